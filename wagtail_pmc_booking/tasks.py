"""Background work, run by Huey once a booking change is committed.

``booking.py`` calls ``booking_committed`` from ``transaction.on_commit``: receivers of
``signals.booking_changed`` (the Zoom integration) act first, inline, so the emails can
carry the join link; then one email task per recipient is queued, so a failure for one
recipient is retried without sending the others a second copy.
"""

import logging

from huey.contrib.djhuey import db_task

from . import signals
from .models import Booking, BookingEvent, Host
from .models.bookings import BookingStatus, EventKind
from .notifications import emails

logger = logging.getLogger(__name__)

# The attendee's email when the Zoom meeting is made after the booking's own email.
MEETING_READY = "meeting_ready"
EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY = 60


def booking_committed(booking_pk, change):
    """After commit: signal receivers first, then queue the attendee's and hosts' emails.

    Only ids go into the queue: the manage token is rebuilt from the booking's nonce when
    the email is rendered, so no secret is ever stored in Huey's storage.
    """
    for receiver, error in signals.booking_changed.send_robust(
        sender=Booking, booking_pk=booking_pk, change=change
    ):
        if isinstance(error, Exception):
            logger.error(
                "booking_committed receiver %r failed for booking %s",
                receiver,
                booking_pk,
                exc_info=error,
            )
    booking = Booking.objects.filter(pk=booking_pk).only("pk", "sequence", "host_id").first()
    if booking is None:
        return
    emails_owed = [(None, change), *_host_emails(booking, change)]
    for host_pk, subject in emails_owed:
        try:
            send_booking_email(booking.pk, subject, booking.sequence, host_pk=host_pk)
        except Exception:
            logger.exception("Could not queue the %s email of booking %s", subject, booking_pk)


def meeting_ready(booking_pk):
    """Queue the attendee's "your Zoom link is ready" email for a confirmed booking."""
    confirmed = Booking.objects.filter(pk=booking_pk, status=BookingStatus.CONFIRMED)
    booking = confirmed.only("sequence").first()
    if booking is not None:
        send_booking_email(booking_pk, MEETING_READY, booking.sequence)


def _host_emails(booking: Booking, change: str) -> list[tuple[int, str]]:
    """``(host pk, change)`` of each host's email: a handover is news to both hosts.

    When a reschedule changed the host, the new host is told of a new booking and the
    former one, unless still a co-host, gets the email that cancels their copy.
    """
    hosts = [booking.host_id, *booking.co_hosts.values_list("pk", flat=True)]
    former = _former_host(booking) if change == "rescheduled" else None
    if former is None:
        return [(host_pk, change) for host_pk in hosts]
    owed = [(host_pk, "created" if host_pk == booking.host_id else change) for host_pk in hosts]
    if former not in hosts:
        owed.append((former, emails.RELEASED))
    return owed


def _former_host(booking: Booking) -> int | None:
    """The host this revision took the booking away from, or None if it kept its host."""
    events = BookingEvent.objects.filter(booking_id=booking.pk, kind=EventKind.REASSIGNED)
    for event in events.only("data"):
        if event.data.get("sequence") == booking.sequence and "from_host_id" in event.data:
            return event.data["from_host_id"]
    return None


# Emails ---------------------------------------------------------------------------------


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY, context=True)
def send_booking_email(booking_pk, change, sequence, host_pk=None, task=None):
    """Send one booking email (``host_pk`` None: the attendee's), recording the outcome.

    An email for an older revision is dropped: the newer change sends its own. A failure
    is recorded in the audit trail and re-raised so Huey retries it later.
    """
    booking = (
        Booking.objects.select_related("meeting_type", "host", "meeting")
        .filter(pk=booking_pk)
        .first()
    )
    host = Host.objects.filter(pk=host_pk).first() if host_pk is not None else None
    if booking is None or booking.sequence != sequence or (host_pk is not None and host is None):
        return
    recipient = host.email if host is not None else booking.attendee_email
    data = {"change": change, "to": "host" if host is not None else "attendee"}
    try:
        emails.send(booking, change, host=host)
    except Exception as exc:
        data.update(error=f"{type(exc).__name__}: {exc}"[:500], retries_left=_retries_left(task))
        _record(booking, EventKind.EMAIL_FAILED, f"{change} → {recipient}", data)
        raise
    _record(booking, EventKind.EMAIL_SENT, f"{change} → {recipient}", data)


def _retries_left(task):
    return task.retries if task is not None else 0


def _record(booking, kind, message, data):
    BookingEvent.objects.create(
        booking=booking, kind=kind, message=message, data=data, actor="system"
    )


# The consumer discovers ``<app>.tasks`` only: make the Zoom and API tasks explicit here too.
from .api.tasks import *  # noqa: E402, F401, F403
from .zoom.tasks import *  # noqa: E402, F401, F403
