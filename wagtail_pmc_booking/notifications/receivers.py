"""Emails follow committed booking changes: one task per recipient, queued here.

Connected from ``AppConfig.ready`` after the Zoom receiver, so a meeting made within the
inline budget is already in the emails. A reschedule or reassignment that changed the host
is news to both hosts: the new one is told of a new booking, the former one (unless still
a co-host) gets the email that cancels their copy.
"""

import logging

from django.dispatch import receiver

from .. import signals
from ..changes import Change
from ..models import Booking, BookingEvent
from ..models.bookings import BookingStatus, EventKind
from . import emails
from .tasks import send_booking_email

logger = logging.getLogger(__name__)


@receiver(signals.booking_changed, dispatch_uid="wagtail_pmc_booking.notifications.emails")
def email_the_change(sender: object, *, booking_pk: int, change: Change, **kwargs: object) -> None:
    """Queue the attendee's and each host's email of ``change``."""
    booking = Booking.objects.filter(pk=booking_pk).only("pk", "sequence", "host_id").first()
    if booking is None:
        return
    for host_pk, notice in [(None, change), *_host_emails(booking, change)]:
        try:
            send_booking_email(booking.pk, notice, booking.sequence, host_pk=host_pk)
        except Exception:
            logger.exception("Could not queue the %s email of booking %s", notice, booking_pk)


@receiver(signals.meeting_ready, dispatch_uid="wagtail_pmc_booking.notifications.meeting_ready")
def email_the_meeting(sender: object, *, booking_pk: int, **kwargs: object) -> None:
    """The attendee's "your Zoom link is ready" email, for a booking still confirmed."""
    confirmed = Booking.objects.filter(pk=booking_pk, status=BookingStatus.CONFIRMED)
    booking = confirmed.only("sequence").first()
    if booking is not None:
        send_booking_email(booking_pk, emails.MEETING_READY, booking.sequence)


def _host_emails(booking: Booking, change: Change) -> list[tuple[int, str]]:
    """``(host pk, notice)`` of each host's email: a handover is news to both hosts."""
    hosts = [booking.host_id, *booking.co_hosts.values_list("pk", flat=True)]
    handover = change in (Change.RESCHEDULED, Change.REASSIGNED)
    former = _former_host(booking) if handover else None
    if former is None:
        return [(host_pk, change) for host_pk in hosts]
    owed: list[tuple[int, str]] = [
        (host_pk, Change.CREATED if host_pk == booking.host_id else change) for host_pk in hosts
    ]
    if former not in hosts:
        owed.append((former, emails.RELEASED))
    return owed


def _former_host(booking: Booking) -> int | None:
    """The host this revision took the booking away from, or None if it kept its host."""
    events = BookingEvent.objects.filter(booking_id=booking.pk, kind=EventKind.REASSIGNED)
    for event in events.only("data"):
        if event.data.get("sequence") == booking.sequence and "from_host_id" in event.data:
            return int(event.data["from_host_id"])
    return None
