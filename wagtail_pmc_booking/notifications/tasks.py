"""The booking emails' Huey task: one per recipient, so a failure for one recipient is
retried without sending the others a second copy.

Only ids go into the queue: the manage token is rebuilt from the booking's nonce when the
email is rendered, so no secret is ever stored in Huey's storage.
"""

from huey.api import Task
from huey.contrib.djhuey import db_task

from .. import audit
from ..models import Booking, Host
from ..models.bookings import EventKind
from . import emails

__all__ = ["send_booking_email"]

EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY = 60


# Huey finds a queued task by "<module>.<name>". Earlier releases defined this one in the
# root ``tasks`` module: keeping that key lets this release's consumer run the emails (and
# their scheduled retries) queued before an upgrade.
QUEUE_KEY_MODULE = "wagtail_pmc_booking.tasks"


def _send_booking_email(
    booking_pk: int,
    change: str,
    sequence: int,
    host_pk: int | None = None,
    task: Task | None = None,
) -> None:
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
    data: dict[str, object] = {"change": change, "to": "host" if host is not None else "attendee"}
    try:
        emails.send(booking, change, host=host)
    except Exception as exc:
        retries_left = task.retries if task is not None else 0
        data.update(error=f"{type(exc).__name__}: {exc}"[:500], retries_left=retries_left)
        audit.record(booking, EventKind.EMAIL_FAILED, f"{change} → {recipient}", data)
        raise
    audit.record(booking, EventKind.EMAIL_SENT, f"{change} → {recipient}", data)


_send_booking_email.__module__ = QUEUE_KEY_MODULE
send_booking_email = db_task(
    retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY, context=True, name="send_booking_email"
)(_send_booking_email)
