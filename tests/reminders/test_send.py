"""Sending: at its time, once, never for an old revision, never hours late, never lost."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import formats, timezone, translation
from huey.contrib.djhuey import HUEY

from tests.reminders.conftest import START, at, reminder_mails
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import tasks as root_tasks
from wagtail_pmc_booking.models import BookingEvent, Reminder
from wagtail_pmc_booking.models.bookings import EventKind
from wagtail_pmc_booking.reminders import send, tasks

pytestmark = pytest.mark.django_db

NAIVE_NOW = START.replace(tzinfo=None)
FAILING = "tests.booking.backends.FailingEmailBackend"


def test_the_command_sends_the_reminder_at_its_time_and_only_once(book, clock, run_command):
    booking = book()
    mail.outbox.clear()

    clock.move_to(at(60) - timedelta(minutes=1))
    early = run_command()
    assert reminder_mails() == [] and "0 sent" in early

    clock.move_to(at(60))
    first = run_command()
    second = run_command()

    (message,) = reminder_mails()
    assert message.to == ["Dana Scully <dana@example.com>"]
    assert f"sent booking {booking.public_id} to dana@example.com (60 min before)" in first
    assert "Reminders: 1 sent, 0 dropped, 0 failed." in first
    assert "Reminders: 0 sent, 0 dropped, 0 failed." in second
    row = Reminder.objects.get(booking=booking, minutes_before=60)
    assert row.status == "sent" and row.sent_at == at(60) and row.attempts == 1
    assert booking.events.filter(kind=EventKind.REMINDER_SENT).count() == 1


def test_the_day_before_reminder_is_sent_when_the_command_runs_late(book, clock, run_command):
    book()
    mail.outbox.clear()
    clock.move_to(at(1440) + timedelta(minutes=7))

    run_command()

    (message,) = reminder_mails()
    assert "in 1 day" in message.subject


def test_a_reschedule_moves_the_reminder(book, clock, committed, run_command):
    booking = book()
    later = START + timedelta(days=2)
    committed(booking_service.reschedule, booking, start=later, now=timezone.now())
    mail.outbox.clear()

    clock.move_to(at(60))  # the old time's reminder moment: nothing is due
    assert "0 sent, 0 dropped" in run_command()
    assert reminder_mails() == []

    clock.move_to(at(60, later))
    run_command()

    (message,) = reminder_mails()
    with translation.override("en"):
        new_day = formats.date_format(later.astimezone(ZoneInfo("Europe/Berlin")), "DATE_FORMAT")
    assert new_day in message.subject  # the new day, in Berlin
    assert Reminder.objects.get(booking=booking, sequence=1, minutes_before=60).status == "sent"
    assert not Reminder.objects.filter(booking=booking, sequence=0, status="sent").exists()


def test_a_reminder_more_than_two_hours_late_is_dropped_and_logged(book, clock, run_command):
    booking = book()
    mail.outbox.clear()
    clock.move_to(at(1440) + timedelta(hours=2, minutes=1))

    output = run_command()

    assert reminder_mails() == []
    assert "more than 2 hours late" in output and "1 dropped" in output
    row = Reminder.objects.get(booking=booking, minutes_before=1440)
    assert row.status == "dropped" and row.sent_at is None
    (event,) = BookingEvent.objects.filter(booking=booking, kind=EventKind.REMINDER_DROPPED)
    assert event.data["minutes_before"] == 1440 and event.data["reason"] == "more than 2 hours late"
    # The hour-before reminder is still owed.
    assert Reminder.objects.get(booking=booking, minutes_before=60).status == "pending"


def test_a_reminder_two_hours_late_is_still_sent(book, clock):
    book()
    mail.outbox.clear()
    clock.move_to(at(1440) + timedelta(hours=2))

    (outcome,) = send.send_due()

    assert outcome.result == send.SENT and len(reminder_mails()) == 1


def test_a_reminder_once_the_meeting_started_is_dropped(book, clock):
    booking = book()
    clock.move_to(START)

    outcomes = send.send_due()

    assert {(o.minutes_before, o.result) for o in outcomes} == {
        (1440, send.DROPPED),
        (60, send.DROPPED),
    }
    dropped = booking.events.filter(kind=EventKind.REMINDER_DROPPED)
    assert sorted(dropped.values_list("data__reason", flat=True)) == [
        "the meeting has started",
        "the meeting has started",
    ]


def test_a_row_left_pending_for_an_older_revision_is_dropped_not_sent(book, clock):
    booking = book()
    Reminder.objects.filter(booking=booking).update(sequence=0)
    type(booking).objects.filter(pk=booking.pk).update(sequence=1)  # planning never ran
    mail.outbox.clear()
    clock.move_to(at(60))

    outcomes = send.send_due()

    assert {(o.result, o.reason) for o in outcomes} == {
        (send.DROPPED, "the booking has changed since")
    }
    assert reminder_mails() == []


def test_a_mail_server_outage_keeps_the_reminder_and_the_next_run_sends_it(
    book, clock, run_command
):
    booking = book()
    mail.outbox.clear()
    clock.move_to(at(60))

    with override_settings(EMAIL_BACKEND=FAILING), pytest.raises(SystemExit) as exit_status:
        run_command()

    assert exit_status.value.code == 1
    row = Reminder.objects.get(booking=booking, minutes_before=60)
    assert (row.status, row.claimed_at, row.attempts) == ("pending", None, 1)
    assert "connection refused" in row.last_error
    assert booking.is_confirmed

    clock.move_to(at(60) + timedelta(minutes=1))
    output = run_command()

    assert "1 sent" in output and len(reminder_mails()) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_claim_is_respected_until_its_lease_runs_out(book, clock, meeting_type):
    """A sender that died after claiming: its rows wait out the lease, then go out once."""
    meeting_type.reminder_minutes = [60]
    meeting_type.save()
    booking = book()
    mail.outbox.clear()
    clock.move_to(at(60))
    Reminder.objects.filter(booking=booking, minutes_before=60).update(claimed_at=at(60))

    assert send.send_due() == []

    clock.move_to(at(60) + send.CLAIM_LEASE + timedelta(seconds=1))
    assert [o.result for o in send.send_due()] == [send.SENT]
    assert len(reminder_mails()) == 1


def test_the_periodic_task_runs_every_minute_and_sends(book, clock):
    book()
    mail.outbox.clear()
    task = root_tasks.send_due_reminders
    assert task is tasks.send_due_reminders
    # Huey's scheduler asks every minute which periodic tasks are due (naive UTC times).
    minutes = [NAIVE_NOW + timedelta(minutes=m) for m in range(0, 24 * 60, 7)]
    assert all(task.task_class in {type(t) for t in HUEY.read_periodic(when)} for when in minutes)

    clock.move_to(at(60))  # the day-before one is long overdue by now
    assert task.call_local() == {"sent": 1, "dropped": 1, "failed": 0}
    assert len(reminder_mails()) == 1
