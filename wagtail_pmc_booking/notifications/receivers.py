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
    # One row per co-host (one with None without any): revision, host and co-hosts at once.
    rows = list(
        Booking.objects.filter(pk=booking_pk)
        .order_by("co_hosts__name")
        .values_list("sequence", "host_id", "co_hosts")
    )
    if not rows:
        return
    sequence, host_pk = rows[0][:2]
    hosts = [host_pk, *(co_host for *_, co_host in rows if co_host is not None)]
    for recipient, notice in [(None, change), *_host_emails(booking_pk, sequence, hosts, change)]:
        try:
            send_booking_email(booking_pk, notice, sequence, host_pk=recipient)
        except Exception:
            logger.exception("Could not queue the %s email of booking %s", notice, booking_pk)


@receiver(signals.meeting_ready, dispatch_uid="wagtail_pmc_booking.notifications.meeting_ready")
def email_the_meeting(sender: object, *, booking_pk: int, **kwargs: object) -> None:
    """The attendee's "your Zoom link is ready" email, for a booking still confirmed."""
    confirmed = Booking.objects.filter(pk=booking_pk, status=BookingStatus.CONFIRMED)
    booking = confirmed.only("sequence").first()
    if booking is not None:
        send_booking_email(booking_pk, emails.MEETING_READY, booking.sequence)


def _host_emails(
    booking_pk: int, sequence: int, hosts: list[int], change: Change
) -> list[tuple[int, str]]:
    """``(host pk, notice)`` of each host's email (``hosts``: the host, then co-hosts):
    a handover is news to both hosts."""
    handover = change in (Change.RESCHEDULED, Change.REASSIGNED)
    former = _former_host(booking_pk, sequence) if handover else None
    if former is None:
        return [(host_pk, change) for host_pk in hosts]
    owed: list[tuple[int, str]] = [
        (host_pk, Change.CREATED if host_pk == hosts[0] else change) for host_pk in hosts
    ]
    if former not in hosts:
        owed.append((former, emails.RELEASED))
    return owed


def _former_host(booking_pk: int, sequence: int) -> int | None:
    """The host revision ``sequence`` took the booking away from, or None if it kept its host."""
    events = BookingEvent.objects.filter(booking_id=booking_pk, kind=EventKind.REASSIGNED)
    for event in events.only("data"):
        if event.data.get("sequence") == sequence and "from_host_id" in event.data:
            return int(event.data["from_host_id"])
    return None
