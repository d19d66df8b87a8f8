"""Which reminders a booking is owed: one row per offset and recipient of its revision.

Planned on every committed change, from the booking as it now stands: a new or moved
booking gets the current revision's rows (older revisions' pending rows are dropped), a
cancelled one keeps none pending. A reschedule that hands the booking to another host
is a new revision too, so the host rows follow the new host. An offset whose moment has
already passed when planning is not planned at all: a booking made 30 minutes ahead gets
no "in 1 hour" reminder.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Booking, Reminder
from ..models.reminders import ReminderStatus

ATTENDEE = "attendee"
HOST_PREFIX = "host:"


# What ``owed`` makes the rows of: all ``plan`` reads of the booking, as it runs in the
# booking's request.
PLANNED_FROM = (
    "status",
    "sequence",
    "start",
    "host",
    "meeting_type__remind_hosts",
    "meeting_type__reminder_minutes",
)


def host_recipient(host_pk: int) -> str:
    return f"{HOST_PREFIX}{host_pk}"


def plan(booking_pk: int, *, now: datetime | None = None) -> list[Reminder]:
    """Bring ``booking_pk``'s pending reminders in line with the booking; the rows made.

    Safe to run twice for one revision: the unique key keeps a row from being doubled.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_related("meeting_type")
        .only(*PLANNED_FROM)
        .filter(pk=booking_pk)
        .first()
    )
    if booking is None:
        return []
    pending = Reminder.objects.filter(booking_id=booking.pk, status=ReminderStatus.PENDING)
    with transaction.atomic():
        if not booking.is_confirmed:
            pending.update(status=ReminderStatus.DROPPED)
            return []
        if booking.sequence:  # revision 0 is the first: no earlier rows to drop
            pending.exclude(sequence=booking.sequence).update(status=ReminderStatus.DROPPED)
        rows = owed(booking, now)
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def owed(booking: Booking, now: datetime) -> list[Reminder]:
    """The unsaved rows of the booking's current revision still ahead of ``now``."""
    meeting_type = booking.meeting_type
    recipients: list[tuple[str, int | None]] = [(ATTENDEE, None)]
    if meeting_type.remind_hosts:
        co_hosts = booking.co_hosts.exclude(pk=booking.host_id).order_by("pk")
        hosts = [booking.host_id, *co_hosts.values_list("pk", flat=True)]
        recipients += [(host_recipient(host_pk), host_pk) for host_pk in hosts]
    rows = []
    for minutes in sorted(set(meeting_type.reminder_minutes or []), reverse=True):
        due_at = booking.start - timedelta(minutes=minutes)
        if due_at <= now:
            continue
        rows += [
            Reminder(
                booking=booking,
                sequence=booking.sequence,
                recipient=recipient,
                host_id=host_pk,
                minutes_before=minutes,
                due_at=due_at,
            )
            for recipient, host_pk in recipients
        ]
    return rows
