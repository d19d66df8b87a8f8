"""Two senders at once: each reminder goes out exactly once (PostgreSQL, real connections)."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests.reminders.conftest import ATTENDEE, START, at, reminder_mails
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Reminder
from wagtail_pmc_booking.reminders import send

SENDERS = 4
BOOKINGS = 12


def race(count, attempt):
    """Run ``attempt()`` in ``count`` threads released together, each on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = attempt()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
def test_concurrent_senders_send_each_reminder_exactly_once(postgres, clock, meeting_type):
    meeting_type.reminder_minutes = [60, 30]
    meeting_type.remind_hosts = True
    meeting_type.save()
    for i in range(BOOKINGS):
        booking_service.book(
            meeting_type,
            start=START + timedelta(minutes=30 * i),
            now=timezone.now(),
            **{**ATTENDEE, "attendee_email": f"racer{i}@example.com"},
        )
    assert Reminder.objects.count() == BOOKINGS * 2 * 2  # the receiver ran on commit
    mail.outbox.clear()
    clock.move_to(at(0) + timedelta(minutes=30 * BOOKINGS))  # every one due, none 2 h late

    outcomes = race(SENDERS, send.send_due)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    sent = [o for run in outcomes for o in run if o.result == send.SENT]
    dropped = [o for run in outcomes for o in run if o.result == send.DROPPED]
    keys = Counter((o.booking_id, o.recipient, o.minutes_before) for o in sent + dropped)
    assert len(keys) == BOOKINGS * 4 and set(keys.values()) == {1}
    assert len(reminder_mails()) == len(sent)
    assert not Reminder.objects.filter(status="pending").exists()
    assert Reminder.objects.filter(status="sent").count() == len(sent)
