"""Host calendars listen to committed booking changes: write-back is queued here.

Connected from ``AppConfig.ready`` after Zoom and the emails. A booking is queued when one
of its hosts has a calendar to write to, or when it already has events (a cancel or a
handover must remove them). Never raises into the writer: a failure is logged.
"""

import logging

from django.db.models import Q
from django.dispatch import receiver

from .. import signals
from ..changes import Change
from ..models import Booking, CalendarEvent
from .tasks import write_booking_to_calendars
from .writeback import writable_calendars

logger = logging.getLogger(__name__)


@receiver(signals.booking_changed, dispatch_uid="wagtail_pmc_booking.calendars.writeback")
def write_the_change(sender: object, *, booking_pk: int, change: Change, **kwargs: object) -> None:
    """Queue the write of ``booking_pk`` into its hosts' calendars."""
    _queue(booking_pk, rewrite=False)


@receiver(signals.meeting_ready, dispatch_uid="wagtail_pmc_booking.calendars.meeting_ready")
def write_the_meeting(sender: object, *, booking_pk: int, **kwargs: object) -> None:
    """The Zoom meeting came after the event was written: rewrite it with the join link."""
    _queue(booking_pk, rewrite=True)


def _queue(booking_pk: int, *, rewrite: bool) -> None:
    try:
        if _has_calendar_work(booking_pk):
            write_booking_to_calendars(booking_pk, rewrite=rewrite)
    except Exception:
        logger.exception("Could not queue the calendar write of booking %s", booking_pk)


def _has_calendar_work(booking_pk: int) -> bool:
    if CalendarEvent.objects.filter(booking_id=booking_pk).exists():
        return True
    booking = Booking.objects.filter(pk=booking_pk).only("host_id").first()
    if booking is None:
        return False
    hosts = Q(host_id=booking.host_id) | Q(host__co_hosted_bookings=booking_pk)
    return writable_calendars().filter(hosts).exists()
