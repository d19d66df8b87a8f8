"""Fixtures of the reminders: a clock held still, a host free all week, booking helpers."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests import factories
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Reminder
from wagtail_pmc_booking.reminders.emails import REMINDER_HEADER

# Tuesday 1 December 2026, 09:00 UTC; the meeting is Monday 7 December, 10:00 UTC.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ALL_WEEK = {day: [(time(6), time(22))] for day in range(7)}
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "Europe/Berlin",
}


@pytest.fixture
def clock():
    """Time stands at ``NOW`` until a test moves it (``clock.move_to``)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def postgres(transactional_db):
    """Committed data on PostgreSQL; the ``postgres`` marker deselects the test elsewhere."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def make_host(**fields):
    fields.setdefault("timezone", "UTC")
    return factories.make_host(
        windows=ALL_WEEK, buffer_before_minutes=0, buffer_after_minutes=0, **fields
    )


@pytest.fixture
def host(db):
    return make_host(name="Asha Rao", timezone="Asia/Kolkata")


@pytest.fixture
def meeting_type(host):
    """Reminders a day and an hour before (the default), any start 0 minutes ahead."""
    return factories.make_meeting_type(
        hosts=[host], name="Product Demo", minimum_notice_minutes=0, default_duration=30
    )


@pytest.fixture
def book(clock, committed, meeting_type):
    """Book as an attendee would, now, with the after-commit work (planning) done."""

    def book(start=START, meeting_type=meeting_type, **fields):
        fields = {**ATTENDEE, **fields}
        return committed(
            booking_service.book, meeting_type, start=start, now=timezone.now(), **fields
        ).booking

    return book


@pytest.fixture
def run_command():
    """``manage.py pmc_send_reminders``; its output."""

    def run_command():
        out = StringIO()
        call_command("pmc_send_reminders", stdout=out)
        return out.getvalue()

    return run_command


def reminder_mails():
    return [m for m in mail.outbox if REMINDER_HEADER in m.extra_headers]


def pending(booking):
    return list(
        Reminder.objects.filter(booking=booking, status="pending").values_list(
            "recipient", "minutes_before", "sequence", "due_at"
        )
    )


def at(minutes_before, start=START):
    return start - timedelta(minutes=minutes_before)
