"""The body of a webhook: the API's booking object, rendered exactly as the API renders it.

``data.booking`` is what ``GET /v1/bookings/{id}`` answers for the same booking (camelCase
keys, instants as ninja's JSON encoder writes them), so one client model reads both.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ninja.responses import NinjaJSONEncoder

from .. import links
from ..api import presenters
from ..models import Booking
from ..tokens import random_base32

EVENT_ID_PREFIX = "evt_"


def new_event_id() -> str:
    """``evt_`` and 26 lowercase base32 characters: one per event, shared by its endpoints."""
    return EVENT_ID_PREFIX + random_base32(26)


@dataclass(frozen=True)
class LoadedBooking:
    row: Booking
    data: dict[str, Any]


def load_booking(booking_pk: int) -> LoadedBooking:
    """The booking row, and the booking as the API answers it; one query."""
    booking = Booking.objects.select_related("meeting_type", "host", "meeting", "attendance").get(
        pk=booking_pk
    )
    out = presenters.booking_out(booking, links.manage_urls(booking))
    return LoadedBooking(row=booking, data=out.model_dump(by_alias=True))


def encode(value: object) -> str:
    """Compact JSON through the API's encoder (its instant format), UTF-8 kept as is."""
    return json.dumps(value, cls=NinjaJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def body(
    *, event_id: str, event_type: str, created_at: datetime, booking: dict[str, Any], sequence: int
) -> str:
    """The exact text stored in ``WebhookDelivery.payload`` and sent on every attempt.

    ``createdAt`` is written like the booking's instants (UTC, milliseconds, ``Z``).
    """
    return encode(
        {
            "id": event_id,
            "type": event_type,
            "createdAt": created_at.astimezone(UTC),
            "data": {"booking": booking, "sequence": sequence},
        }
    )
