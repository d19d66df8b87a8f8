"""Sending due reminders: each row claimed by one sender, sent once, or dropped and logged.

A sender claims a row with a conditional UPDATE (pending, and unclaimed or its claim older
than ``CLAIM_LEASE``); only the sender whose UPDATE changed the row goes on, so two
consumers never send one reminder twice. A mail failure releases the claim and keeps the
row pending, so the next run retries it. A crash between the mail and the "sent" mark
leaves the claim: after the lease the row is taken again (at least once, never lost).
A reminder more than ``LATE_LIMIT`` late, or whose meeting has started, is dropped.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .. import audit
from ..models import Booking, Reminder
from ..models.bookings import EventKind
from ..models.reminders import ReminderStatus
from . import emails

logger = logging.getLogger(__name__)

# Later than this, a reminder is no longer worth sending (docs/reminders.md).
LATE_LIMIT = timedelta(hours=2)
# A claim this old belongs to a sender that died: another may take the row.
CLAIM_LEASE = timedelta(minutes=10)
# Rows one run takes at most; the next minute's run takes the rest.
BATCH_SIZE = 200

SENT = "sent"
DROPPED = "dropped"
FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What one run did with one reminder."""

    reminder_pk: int
    booking_id: str
    recipient: str
    minutes_before: int
    result: str  # SENT, DROPPED or FAILED
    reason: str = ""


def send_due(now: datetime | None = None) -> list[Outcome]:
    """Send (or drop) every pending reminder due by ``now`` that no other sender holds."""
    now = now or timezone.now()
    due = _claimable(now).filter(due_at__lte=now).order_by("due_at", "pk")
    outcomes = []
    for pk in list(due.values_list("pk", flat=True)[:BATCH_SIZE]):
        if _claim(pk, now):
            outcomes.append(_send_claimed(pk, now))
    return outcomes


def tally(outcomes: list[Outcome]) -> dict[str, int]:
    """How many were sent, dropped and failed."""
    return {
        result: sum(1 for outcome in outcomes if outcome.result == result)
        for result in (SENT, DROPPED, FAILED)
    }


def _claimable(now: datetime) -> QuerySet[Reminder]:
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    return Reminder.objects.filter(free, status=ReminderStatus.PENDING)


def _claim(pk: int, now: datetime) -> bool:
    """Take the row if it is still free: the UPDATE that changed it wins."""
    return _claimable(now).filter(pk=pk).update(claimed_at=now) == 1


def _send_claimed(pk: int, now: datetime) -> Outcome:
    reminder = Reminder.objects.select_related(
        "host", "booking__meeting_type", "booking__host", "booking__meeting"
    ).get(pk=pk)
    booking = reminder.booking
    to = reminder.host.email if reminder.host is not None else booking.attendee_email
    reason = why_not(reminder, booking, now)
    if reason:
        Reminder.objects.filter(pk=pk).update(status=ReminderStatus.DROPPED)
        audit.record(
            booking,
            EventKind.REMINDER_DROPPED,
            f"{reminder.minutes_before} min → {to}: {reason}",
            _data(reminder, reason=reason),
        )
        logger.warning("Dropped reminder %s of booking %s: %s", pk, booking.public_id, reason)
        return _outcome(reminder, to, DROPPED, reason)
    try:
        emails.build_message(reminder, booking).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        Reminder.objects.filter(pk=pk).update(
            claimed_at=None, attempts=F("attempts") + 1, last_error=error
        )
        logger.warning("Reminder %s of booking %s not sent: %s", pk, booking.public_id, error)
        return _outcome(reminder, to, FAILED, error)
    Reminder.objects.filter(pk=pk).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    audit.record(
        booking,
        EventKind.REMINDER_SENT,
        f"{reminder.minutes_before} min → {to}",
        _data(reminder),
    )
    return _outcome(reminder, to, SENT)


def why_not(reminder: Reminder, booking: Booking, now: datetime) -> str:
    """Why ``reminder`` must not be sent at ``now`` ("" when it may)."""
    if reminder.sequence != booking.sequence:
        return "the booking has changed since"
    if not booking.is_confirmed:
        return "the booking is cancelled"
    if booking.start <= now:
        return "the meeting has started"
    if now - reminder.due_at > LATE_LIMIT:
        return "more than 2 hours late"
    return ""


def _data(reminder: Reminder, **extra: str) -> dict[str, object]:
    return {
        "reminder": reminder.pk,
        "recipient": reminder.recipient,
        "minutes_before": reminder.minutes_before,
        "sequence": reminder.sequence,
        "due_at": reminder.due_at.isoformat(),
        **extra,
    }


def _outcome(reminder: Reminder, to: str, result: str, reason: str = "") -> Outcome:
    return Outcome(
        reminder_pk=reminder.pk,
        booking_id=reminder.booking.public_id,
        recipient=to,
        minutes_before=reminder.minutes_before,
        result=result,
        reason=reason,
    )
