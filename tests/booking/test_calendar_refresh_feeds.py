"""Before booking, stale calendars are read again from a real (loopback) ICS feed.

Needs helper A's ``calendars/sync.py`` (``refresh_stale``); left uncommitted until then.
"""

import time
from datetime import timedelta

import pytest

from tests.booking.conftest import NOW, ist
from wagtail_pmc_booking.exceptions import SlotUnavailable
from wagtail_pmc_booking.models import Booking, BookingEvent, HostCalendar
from wagtail_pmc_booking.models.bookings import EventKind

FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:busy-1@example.com
DTSTAMP:20260401T000000Z
DTSTART:20260413T043000Z
DTEND:20260413T050000Z
SUMMARY:Internal
END:VEVENT
END:VCALENDAR
"""


def feed_calendar(host, feed_server, *, synced):
    return HostCalendar.objects.create(
        host=host, name="Work", kind="ics", url=feed_server.url("/work.ics"), last_synced_at=synced
    )


def test_a_stale_calendar_busy_now_refuses_the_booking(book_slot, seed_host, feed_server):
    feed_server.serve("/work.ics", FEED)
    feed_calendar(seed_host, feed_server, synced=NOW - timedelta(minutes=10))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10))  # 10:00 IST = 04:30 UTC, busy in the feed, not yet stored
    assert not Booking.objects.exists()
    assert feed_server.requests


def test_a_slow_feed_books_on_stored_data_within_the_budget(book_slot, seed_host, feed_server):
    feed_server.serve("/work.ics", FEED, delay=3)
    feed_calendar(seed_host, feed_server, synced=NOW - timedelta(minutes=10))
    started = time.perf_counter()
    made = book_slot(ist(13, 10)).booking
    assert time.perf_counter() - started < 2.9
    assert BookingEvent.objects.filter(booking=made, kind=EventKind.CALENDAR_STALE).count() == 1


def test_a_fresh_calendar_is_not_fetched(book_slot, seed_host, feed_server):
    feed_server.serve("/work.ics", FEED)
    feed_calendar(seed_host, feed_server, synced=NOW)
    assert book_slot(ist(13, 10)).booking.pk
    assert feed_server.requests == []
