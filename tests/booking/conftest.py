"""Fixtures of the booking lifecycle: a fixed clock, attendees, pools of hosts."""

from datetime import UTC, datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from tests import factories
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
# A Sunday before the seed's April 2026 weeks: notice and horizon allow all of them.
NOW = datetime(2026, 4, 5, 0, 0, tzinfo=UTC)
# Every day 08:00–20:00 UTC: a plain calendar for the assignment tests.
ALL_WEEK = {day: [(time(8), time(20))] for day in range(7)}


def ist(day, hour, minute=0):
    """An April 2026 wall-clock time of the seed host (Asia/Kolkata)."""
    return datetime(2026, 4, day, hour, minute, tzinfo=IST)


def utc(day, hour, minute=0):
    return datetime(2026, 4, day, hour, minute, tzinfo=UTC)


ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


@pytest.fixture
def postgres(transactional_db):
    """Committed data on PostgreSQL; elsewhere the test is skipped (CI runs both)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def book_slot(product_demo):
    """Book like an attendee would, on the seed host's meeting type by default."""

    def book_slot(start, meeting_type=None, **fields):
        fields = {**ATTENDEE, "now": NOW, **fields}
        return booking_service.book(meeting_type or product_demo, start=start, **fields)

    return book_slot


@pytest.fixture
def demo_booking(book_slot):
    """Monday 13 April, 10:00–10:30 in Kolkata, with the seed host."""
    return book_slot(ist(13, 10)).booking


@pytest.fixture
def make_pool(db):
    """A meeting type over ``count`` hosts free every day 08:00–20:00 UTC, no buffers.

    The hosts come back in the meeting type's order (first = fixed / Zoom host):
    highest priority, then name (``availability.host_order``).
    """

    def make_pool(count=3, assignment="round_robin", hosts=(), **fields):
        hosts = list(hosts) or [
            factories.make_host(
                windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0, buffer_after_minutes=0
            )
            for _ in range(count)
        ]
        meeting_type = factories.make_meeting_type(hosts=hosts, assignment=assignment, **fields)
        return meeting_type, availability.meeting_type_hosts(meeting_type)

    return make_pool


@pytest.fixture
def huey_schedule():
    """Huey's schedule (retries wait there in immediate mode), emptied around the test."""
    HUEY.storage.flush_all()
    yield HUEY
    HUEY.storage.flush_all()


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "tests.booking.backends.FailingEmailBackend"


@pytest.fixture
def frozen_now():
    """Pages ask for ``timezone.now()``; pin it to the fixed clock of these tests."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def created(book_slot):
    """A booking on Monday 13 April 10:00 Kolkata, with its manage token."""
    return book_slot(ist(13, 10))


def url(name, token):
    """One of the attendee's manage pages: booking, reschedule, cancel or invite."""
    return reverse(f"wagtail_pmc_booking:manage_{name}", args=[token])
