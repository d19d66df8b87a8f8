"""The booking audit trail's one writer: every ``BookingEvent`` row is made here.

Each line is also announced, inside its own transaction, through
``signals.booking_event_recorded``: the webhook outbox writes its deliveries there, so
a change and the events it owes the rest of the business commit together.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from . import signals
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
    # No savepoint: inside the caller's transaction this joins it (and adds no queries);
    # on its own it is one transaction for the line and what receivers write.
    with transaction.atomic(savepoint=False):
        event = BookingEvent.objects.create(
            booking_id=booking.pk,
            kind=kind,
            message=str(message),
            data=dict(data or {}),
            actor=str(actor or ""),
        )
        signals.booking_event_recorded.send(sender=BookingEvent, event=event)
    return event
