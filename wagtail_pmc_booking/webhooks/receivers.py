"""The webhooks follow the audit trail: each line that is an event owes deliveries.

Connected to ``signals.booking_event_recorded``, sent inside the line's transaction, so
the outbox rows commit with the change (``outbox``). Never raises into the writer.
"""

from django.dispatch import receiver

from .. import signals
from ..models import BookingEvent
from . import outbox


@receiver(signals.booking_event_recorded, dispatch_uid="wagtail_pmc_booking.webhooks.outbox")
def write_the_outbox(sender: object, *, event: BookingEvent, **kwargs: object) -> None:
    """The deliveries this audit line owes, in its transaction; sent after commit."""
    outbox.on_event_recorded(event)
