"""Zoom's webhooks: who may call (a signature over the raw body) and what we do with them.

Zoom signs ``v0:{x-zm-request-timestamp}:{raw body}`` with the app's webhook secret
(HMAC-SHA256) and sends ``v0=<hex>`` as ``x-zm-signature``. Only a request with a valid
signature made within the last five minutes has any effect. Of the events, only
``endpoint.url_validation`` (Zoom checking the URL), ``meeting.deleted`` /
``meeting.updated`` for one of our meetings (marked for the sweep, which does the Zoom
calls, so the answer goes back to Zoom within its 3 seconds) and the attendance events
(``attendance``: started, ended, participant joined and left) matter.
"""

import hashlib
import hmac
import json
import logging
import math
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..changes import Actor
from ..conf import booking_settings
from ..models import ZoomMeeting
from ..models.bookings import BookingStatus, EventKind
from ..models.meetings import MeetingState
from . import attendance, wire
from .desired import Want, desired_state, meeting_request

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
MAX_AGE_SECONDS = 300
URL_VALIDATION = "endpoint.url_validation"
MEETING_DELETED = "meeting.deleted"
MEETING_UPDATED = "meeting.updated"


class WebhookRejected(Exception):
    """The request cannot be shown to come from Zoom: answer 401, change nothing."""


class WebhookInvalid(Exception):
    """Signed, but not an event we can read: answer 400."""


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """``v0=<hex>`` for ``body`` (bytes) sent at ``timestamp``, as Zoom computes it."""
    message = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    secret: str,
    now: float | None = None,
) -> None:
    """Raise ``WebhookRejected`` unless ``signature`` is Zoom's for ``body`` and recent."""
    if not secret:
        raise WebhookRejected("no ZOOM_WEBHOOK_SECRET is configured")
    if not signature or not timestamp:
        raise WebhookRejected("the signature or its timestamp is missing")
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookRejected("the timestamp is not a number") from None
    now = time.time() if now is None else now
    if abs(now - sent) > MAX_AGE_SECONDS:
        raise WebhookRejected("the timestamp is outside the five-minute window")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise WebhookRejected("the signature does not match")


def url_validation_answer(plain_token: str, secret: str) -> dict[str, str]:
    """Zoom checks an endpoint by asking for HMAC-SHA256(secret, plainToken) in hex."""
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def parse_event(body: bytes) -> object:
    """The JSON of a signed body; anything Python cannot hold safely is ``WebhookInvalid``.

    ``1e400`` would become infinity (and ``int()`` of it raise), and deep nesting
    exhausts the parser's recursion, so both are refused here rather than later.
    """
    try:
        return json.loads(body, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise WebhookInvalid("the body is not JSON that can be read") from None


def receive(body: bytes, headers: Mapping[str, str], *, now: float | None = None) -> dict[str, Any]:
    """Verify and act on one webhook request; returns the JSON answer for Zoom."""
    secret = booking_settings.ZOOM_WEBHOOK_SECRET
    verify(
        body,
        headers.get(SIGNATURE_HEADER),
        headers.get(TIMESTAMP_HEADER),
        secret=secret,
        now=now,
    )
    event = parse_event(body)
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        raise WebhookInvalid("the body is not a Zoom event")
    name, payload = event.get("event"), event["payload"]
    if name == URL_VALIDATION:
        plain_token = payload.get("plainToken")
        if not isinstance(plain_token, str) or not plain_token:
            raise WebhookInvalid("plainToken is missing")
        return url_validation_answer(plain_token, secret)
    meeting = payload.get("object")
    meeting_id = _meeting_id(meeting.get("id")) if isinstance(meeting, dict) else None
    if meeting_id is None:
        return {"status": "ok"}
    if name == MEETING_DELETED:
        meeting_deleted(meeting_id)
    elif name == MEETING_UPDATED:
        meeting_updated(meeting_id, meeting)
    elif name in attendance.EVENTS:
        try:
            attendance.receive(name, meeting_id, meeting, event_ts=event.get("event_ts"))
        except attendance.AttendanceEventInvalid as exc:
            raise WebhookInvalid(str(exc)) from None
    return {"status": "ok"}


def _meeting_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if not isinstance(value, int | str | float):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def meeting_deleted(zoom_meeting_id: int, *, now: datetime | None = None) -> bool:
    """Someone deleted one of our meetings in Zoom: the sweep recreates it, or it stays gone.

    Returns whether it was one of ours. Deletions we made ourselves have already cleared
    the id, so their echo finds nothing.
    """
    record = ZoomMeeting.objects.select_related("booking").filter(zoom_meeting_id=zoom_meeting_id)
    found = record.first()
    if found is None:
        return False
    booking = found.booking
    now = now or timezone.now()
    if booking.status != BookingStatus.CONFIRMED:
        return found.deleted_when_unwanted(sequence=booking.sequence, now=now)
    recreate = booking_settings.ZOOM_RECREATE_DELETED
    if recreate:
        note = _("Deleted in Zoom; the next sweep creates a new meeting.")
    else:
        note = _("Deleted in Zoom; not recreated (ZOOM_RECREATE_DELETED is off).")
    changed = found.deleted_in_zoom(
        sequence=booking.sequence, recreate=recreate, note=note, now=now
    )
    if changed:
        audit.record(
            booking,
            EventKind.MEETING_DELETED,
            note,
            {"zoom_meeting_id": str(zoom_meeting_id), "reason": "deleted_in_zoom"},
            actor=Actor.ZOOM,
        )
        logger.info("Zoom meeting of booking %s was deleted in Zoom", booking.public_id)
    return changed


def meeting_updated(
    zoom_meeting_id: int, changes: Mapping[str, Any], *, now: datetime | None = None
) -> list[str]:
    """Someone changed one of our meetings in Zoom: the sweep sets it back to the booking.

    Zoom also reports our own updates; those match the booking and are ignored.
    Returns the names of the fields that differ.
    """
    record = (
        ZoomMeeting.objects.select_related("booking__meeting_type", "booking__host")
        .filter(zoom_meeting_id=zoom_meeting_id, state=MeetingState.SYNCED)
        .first()
    )
    if record is None:
        return []
    booking = record.booking
    desired = desired_state(booking)
    if desired.action != Want.PRESENT:
        return []
    wanted = wire.meeting_fields(**meeting_request(booking, record, desired.zoom_user, new=False))
    differ = _differences(wanted, changes)
    if not differ:
        return []
    if record.changed_in_zoom(now or timezone.now()):
        audit.record(
            booking,
            EventKind.MEETING_UPDATED,
            _("Changed in Zoom; the next sweep sets it back to the booking."),
            {"zoom_meeting_id": str(zoom_meeting_id), "fields": differ},
            actor=Actor.ZOOM,
        )
    return differ


def _differences(wanted: Mapping[str, Any], changes: Mapping[str, Any]) -> list[str]:
    """Fields Zoom reports with values other than the ones the booking wants."""
    differ: list[str] = []
    for name, value in changes.items():
        if name == "settings" and isinstance(value, dict):
            ours = wanted.get("settings", {})
            differ += [f"settings.{k}" for k, v in value.items() if k in ours and ours[k] != v]
        elif name == "start_time":
            if _instant(value) != _instant(wanted.get("start_time")):
                differ.append(name)
        elif name in wanted and name != "timezone" and wanted[name] != value:
            differ.append(name)
    return sorted(differ)


def _instant(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
