"""``/integrations/zoom/…``: a booking's Zoom meeting on request, and Zoom's webhooks.

Mounted under ``/integrations`` (``api.add_router("/integrations", router)``), so the
paths are ``/v1/integrations/zoom/meetings`` and ``/v1/integrations/zoom/webhook``.
The work is done by ``zoom.answers`` and ``zoom.webhooks``; this module only turns it
into the contract's answers.
"""

import logging
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status
from pydantic import Field, StrictStr

from ..conf import booking_settings
from ..exceptions import BookingCancelled
from ..models.api_keys import Scope
from ..zoom import answers, webhooks
from . import lookups, ratelimit
from .auth import ApiKeyAuth, ApiRequest
from .errors import NotFound, RateLimited, error_response
from .schemas import CamelSchema, Duration, ErrorOut, Text

logger = logging.getLogger(__name__)

router = Router(tags=["zoom"])

SkipReason = Literal["host_out_of_office", "no_zoom_user", "zoom_disabled"]
# The Zoom integration's reasons (``zoom.desired.SkipReason``) as the contract spells them.
SKIP_REASONS: dict[str, SkipReason] = {
    "host_out_of_office": "host_out_of_office",
    "no_zoom_user": "no_zoom_user",
    "zoom_disabled": "zoom_disabled",
}


class ZoomMeetingIn(CamelSchema):
    booking_id: Annotated[StrictStr, Field(min_length=1, max_length=64, examples=["bk_…"])]
    topic: Annotated[Text, Field(min_length=1, max_length=200)] | None = Field(
        None, description="Default: the meeting type and the attendee's name."
    )
    duration: Duration | None = Field(None, description="Default: the booking's length.")


class ZoomMeetingOut(CamelSchema):
    status: Literal["ok"]
    booking_id: str
    meeting_id: str = Field(description="Zoom's meeting id (a 64-bit integer) as a string.")
    meeting_url: str = Field(description="The attendees' join link; never a start link.")
    passcode: str | None


class ZoomQueuedOut(CamelSchema):
    status: Literal["queued"]
    booking_id: str
    resync: Literal[True]


class ZoomSkippedOut(CamelSchema):
    status: Literal["skipped"]
    booking_id: str
    reason: SkipReason


class ZoomUrlValidationOut(CamelSchema):
    plain_token: str
    encrypted_token: str = Field(description="Hex HMAC-SHA256 of plainToken, keyed by the secret.")


class ZoomWebhookAckOut(CamelSchema):
    status: Literal["ok"]


WEBHOOK_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "A Zoom event, signed: `x-zm-signature: v0=<hex HMAC-SHA256 of "
            "v0:{x-zm-request-timestamp}:{raw body}>` with the webhook secret."
        ),
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["event", "payload"],
                    "properties": {
                        "event": {"type": "string", "examples": ["meeting.deleted"]},
                        "event_ts": {"type": "integer"},
                        "payload": {"type": "object"},
                    },
                }
            }
        },
    },
    "parameters": [
        {
            "name": name,
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
        }
        for name in (webhooks.SIGNATURE_HEADER, webhooks.TIMESTAMP_HEADER)
    ],
}


@router.post(
    "/zoom/meetings",
    auth=ApiKeyAuth(Scope.ZOOM_WRITE),
    response={
        200: ZoomMeetingOut,
        202: ZoomQueuedOut,
        409: ZoomSkippedOut | ErrorOut,
        frozenset({400, 401, 403, 404, 413, 422, 429}): ErrorOut,
    },
    by_alias=True,
    operation_id="createZoomMeeting",
    summary="Create (or return) a booking's Zoom meeting",
)
def create_zoom_meeting(
    request: ApiRequest, payload: ZoomMeetingIn
) -> Status[ZoomMeetingOut | ZoomQueuedOut | ZoomSkippedOut]:
    """Idempotent: the same booking always answers with the same meeting. Tries Zoom now,
    even after earlier failures; 202 when this attempt fails (a retry is queued); 409
    ``skipped`` when no meeting is wanted, e.g. the host is out of office (no Zoom call
    is made); 409 ``booking_cancelled``. ``pmc_test_`` keys see only sandbox bookings,
    whose meetings are made in the Zoom sandbox; live keys only live bookings."""
    booking = lookups.booking_by_id(payload.booking_id)
    if booking.is_sandbox != request.auth.sandbox:
        raise NotFound(_("There is no such booking."))
    if not booking.is_confirmed:
        raise BookingCancelled()
    answer = answers.request_meeting(booking, topic=payload.topic, duration=payload.duration)
    record = answer.record
    if answer.status == answers.AnswerStatus.SKIPPED and answer.reason is not None:
        reason = SKIP_REASONS[answer.reason]
        return Status(
            409, ZoomSkippedOut(status="skipped", booking_id=booking.public_id, reason=reason)
        )
    if answer.status == answers.AnswerStatus.OK and record is not None:
        return Status(
            200,
            ZoomMeetingOut(
                status="ok",
                booking_id=booking.public_id,
                meeting_id=str(record.zoom_meeting_id),
                meeting_url=record.join_url,
                passcode=record.passcode or None,
            ),
        )
    return Status(202, ZoomQueuedOut(status="queued", booking_id=booking.public_id, resync=True))


@router.post(
    "/zoom/webhook",
    auth=None,
    response={
        200: ZoomUrlValidationOut | ZoomWebhookAckOut,
        frozenset({400, 401, 413, 429}): ErrorOut,
    },
    by_alias=True,
    operation_id="zoomWebhook",
    summary="Zoom webhook (endpoint.url_validation, meeting.deleted, meeting.updated)",
    openapi_extra=WEBHOOK_BODY,
)
def zoom_webhook(request: HttpRequest) -> HttpResponse:
    """No API key: Zoom's signature over the raw body, within five minutes. A bad or
    missing signature is 401 and changes nothing; rate-limited per client IP (429)."""
    return _webhook_answer(request)


def webhook_rate() -> ratelimit.Rate | None:
    """Per client IP, in a bucket of its own: the public endpoints' rate, so a flood of
    unsigned requests is cut off before any HMAC is computed or row read."""
    return ratelimit.parse_rate(booking_settings.API_RATE_LIMIT_PUBLIC)


def _webhook_answer(request: HttpRequest) -> HttpResponse:
    """``POST`` Zoom webhooks: 200 with the answer, 401 for a bad signature, 429 over the
    rate limit, 400 otherwise.

    The body is read raw, as the signature covers its exact bytes; ``zoom.webhooks``
    verifies it and applies the event, this edge only speaks HTTP.
    """
    if request.method != "POST":
        return error_response(
            405,
            "invalid_request",
            _("This endpoint does not accept the %(method)s method.") % {"method": request.method},
            headers={"Allow": "POST"},
        )
    try:
        ratelimit.hit(f"zoom-webhook:{ratelimit.client_ip(request)}", webhook_rate())
    except RateLimited as exc:
        return error_response(429, exc.code, exc.message, headers=exc.headers)
    try:
        answer = webhooks.receive(request.body, request.headers)
    except webhooks.WebhookRejected as exc:
        logger.warning("Zoom webhook refused: %s", exc)
        return error_response(401, "unauthorized", _("The Zoom signature is not valid."))
    except webhooks.WebhookInvalid as exc:
        return error_response(
            400, "invalid_request", _("Not a Zoom event: %(why)s.") % {"why": exc}
        )
    return JsonResponse(answer)
