"""The booking audit trail's one writer: every ``BookingEvent`` row is made here."""

from collections.abc import Mapping
from typing import Any

from .changes import Actor
from .models import Booking, BookingEvent
from .models.bookings import EventKind


def record(
    booking: Booking,
    kind: EventKind,
    message: str,
    data: Mapping[str, Any] | None = None,
    *,
    actor: Actor | str = Actor.SYSTEM,
) -> BookingEvent:
    """Append one line to ``booking``'s trail; rows are never changed afterwards."""
    return BookingEvent.objects.create(
        booking_id=booking.pk,
        kind=kind,
        message=str(message),
        data=dict(data or {}),
        actor=str(actor or ""),
    )
