"""Busy times read from a real CalDAV server (Radicale) with a calendar-query REPORT."""

from datetime import UTC, datetime

import pytest

from tests import factories
from wagtail_pmc_booking.calendars import sync
from wagtail_pmc_booking.models import BusyTime, HostCalendar

NOW = datetime(2026, 4, 5, 12, tzinfo=UTC)
pytestmark = pytest.mark.django_db(transaction=True)


def event(uid, body):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260401T000000Z\r\n{body}END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


WEEKLY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@t\r\nDTSTAMP:20260401T000000Z\r\n"
    "DTSTART:20260406T080000Z\r\nDTEND:20260406T090000Z\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE:20260413T080000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@t\r\nDTSTAMP:20260401T000000Z\r\n"
    "RECURRENCE-ID:20260420T080000Z\r\n"
    "DTSTART:20260420T140000Z\r\nDTEND:20260420T150000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def calendar_for(url, radicale, **fields):
    username, password = radicale.auth
    return HostCalendar.objects.create(
        host=factories.make_host(timezone="UTC"),
        name="Work",
        kind="caldav",
        url=url,
        username=username,
        password=fields.pop("password", password),
        **fields,
    )


def test_busy_rows_match_the_servers_events(radicale, radicale_calendar):
    radicale.put_event(radicale_calendar, "weekly@t", WEEKLY)
    radicale.put_event(
        radicale_calendar,
        "free@t",
        event(
            "free@t", "DTSTART:20260407T100000Z\r\nDTEND:20260407T110000Z\r\nTRANSP:TRANSPARENT\r\n"
        ),
    )
    radicale.put_event(
        radicale_calendar,
        "gone@t",
        event(
            "gone@t", "DTSTART:20260408T100000Z\r\nDTEND:20260408T110000Z\r\nSTATUS:CANCELLED\r\n"
        ),
    )
    radicale.put_event(
        radicale_calendar,
        "late@t",
        event("late@t", "DTSTART:20260901T100000Z\r\nDTEND:20260901T110000Z\r\n"),
    )
    calendar = calendar_for(radicale_calendar, radicale)
    report = sync.sync_calendar(calendar, now=NOW, days=30)
    assert report.error == ""
    got = [(r.start, r.end) for r in BusyTime.objects.filter(calendar=calendar).order_by("start")]
    assert got == [
        (datetime(2026, 4, 6, 8, tzinfo=UTC), datetime(2026, 4, 6, 9, tzinfo=UTC)),
        (datetime(2026, 4, 20, 14, tzinfo=UTC), datetime(2026, 4, 20, 15, tzinfo=UTC)),
        (datetime(2026, 4, 27, 8, tzinfo=UTC), datetime(2026, 4, 27, 9, tzinfo=UTC)),
    ]


def test_wrong_password_is_a_clear_error(radicale, radicale_calendar):
    calendar = calendar_for(radicale_calendar, radicale, password="wrong")
    report = sync.sync_calendar(calendar, now=NOW, days=30)
    assert "refused the user name or password" in report.error
    assert "wrong" not in report.error
    assert sync.check_connection(calendar) == report.error


def test_a_right_calendar_passes_the_connection_test(radicale, radicale_calendar):
    assert sync.check_connection(calendar_for(radicale_calendar, radicale)) == ""


def test_an_address_that_is_no_calendar_is_a_clear_error(radicale, radicale_calendar, feed_server):
    feed_server.serve("/page", "<html></html>", content_type="text/html")
    calendar = calendar_for(feed_server.url("/page"), radicale)
    report = sync.sync_calendar(calendar, now=NOW, days=30)
    assert "not a CalDAV calendar" in report.error
