"""``Idempotency-Key`` on ``POST /v1/bookings``: a retried request answers the first booking.

Keys belong to the API key that sent them, so only keyed callers may send one: an
anonymous caller has nobody to scope it to, and the answer carries the manage token.
The body is compared as a hash of its parsed value (fields in another order, other
spacing or another offset for the same instant are the same request). The key row is
written in the booking's transaction; of two simultaneous requests with one key, the
second hits the unique (api key, key) constraint or the first one's booking, rolls back
and answers the first one's booking. Only a booking made is remembered: a refused
request may be retried with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Annotated

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Header, Schema
from pydantic import Field, StrictStr, WithJsonSchema

from .. import booking as booking_service
from .. import links
from ..exceptions import BookingBusy, BookingError
from ..models import ApiKey, Booking
from ..models.api_keys import IdempotencyKey
from ..tokens import hashes_match
from .errors import ApiError

HEADER = "Idempotency-Key"
# Answers that replay an earlier booking say so, as Stripe's and the IETF draft's do.
REPLAYED_HEADER = "Idempotent-Replayed"

KEY_MAX_LENGTH = 255
KEY_PATTERN = r"^[!-~]+$"  # visible ASCII: what an HTTP header carries unmangled
IdempotencyKeyHeader = Annotated[
    Annotated[StrictStr, Field(min_length=1, max_length=KEY_MAX_LENGTH, pattern=KEY_PATTERN)]
    | None,
    # A header is absent or a string, never JSON null: document only the string.
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN}
    ),
    Header(
        None,
        alias=HEADER,
        description="Up to 255 visible ASCII characters, e.g. a UUID; needs an API key. "
        "The same key and body answer the first booking again (201, same bookingId, "
        "`Idempotent-Replayed: true`); the same key with another body is 422. Keys are "
        "kept for `IDEMPOTENCY_KEY_TTL_HOURS` (48 h by default).",
    ),
]


class IdempotencyConflict(ApiError):
    """The IETF draft's answer to a key reused for another request: 422."""

    status = 422
    default_message = gettext_lazy("This Idempotency-Key was used with another request body.")

    def __init__(self) -> None:
        super().__init__(
            fields={HEADER: [_("Use a new key for a different request.")]},
        )


def needs_api_key() -> ApiError:
    return ApiError(
        _("Idempotency-Key needs an API key."),
        fields={HEADER: [_("Send it with “Authorization: Bearer <key>”, or leave it out.")]},
    )


def request_hash(payload: Schema) -> str:
    """The parsed body, canonically serialised: what "the same body" means."""
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def remembered(api_key: ApiKey, key: str, digest: str) -> Booking | None:
    """The booking ``key`` made within the TTL, or None; another body is a conflict."""
    row = (
        IdempotencyKey.objects.select_related("booking")
        .filter(api_key=api_key, key=key, created_at__gte=IdempotencyKey.oldest_kept())
        .first()
    )
    if row is None:
        return None
    if not hashes_match(row.request_hash, digest):
        raise IdempotencyConflict()
    return row.booking


def replay(booking: Booking) -> tuple[booking_service.BookingResult, bool]:
    """The earlier booking, with its current manage token: the key holder made it."""
    return booking_service.BookingResult(booking, links.manage_token_for(booking)), True


def book_once(
    api_key: ApiKey, key: str, payload: Schema, book: Callable[[], booking_service.BookingResult]
) -> tuple[booking_service.BookingResult, bool]:
    """``(result, replayed)``: ``book()`` once per key, or the booking it made before."""
    digest = request_hash(payload)
    found = remembered(api_key, key, digest)
    if found is not None:
        return replay(found)
    # An expired row the purge has not reached yet must not block the key's reuse.
    IdempotencyKey.objects.filter(
        api_key=api_key, key=key, created_at__lt=IdempotencyKey.oldest_kept()
    ).delete()
    try:
        with transaction.atomic():
            result = book()
            IdempotencyKey.objects.create(
                api_key=api_key, key=key, request_hash=digest, booking=result.booking
            )
    except (IntegrityError, BookingError):
        # A simultaneous request with this key committed first: answer its booking.
        found = remembered(api_key, key, digest)
        if found is None:
            raise
        return replay(found)
    except OperationalError as exc:
        # SQLite takes its write lock when the transaction begins, outside the service's
        # own retries: a lock held too long is "busy", as the service says it.
        if connection.vendor == "sqlite" and "locked" in str(exc):
            raise BookingBusy() from exc
        raise
    return result, False
