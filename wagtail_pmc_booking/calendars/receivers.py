"""Host calendars listen to committed booking changes: write-back is queued here.

Connected from ``AppConfig.ready`` after Zoom and the emails. A booking is queued when one
of its hosts has a calendar to write to, or when it already has events (a cancel or a
handover must remove them). Never raises into the writer: a failure is logged.
"""

import logging

from django.db.models import Exists, OuterRef
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
    """The booking has events to change, or a host or co-host a calendar to write to
    (one query)."""
    calendars = writable_calendars()
    work = (
        Exists(CalendarEvent.objects.filter(booking_id=OuterRef("pk")))
        | Exists(calendars.filter(host_id=OuterRef("host_id")))
        | Exists(calendars.filter(host__co_hosted_bookings=OuterRef("pk")))
    )
    return Booking.objects.filter(work, pk=booking_pk).exists()
