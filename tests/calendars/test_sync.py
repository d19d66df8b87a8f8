"""Reading calendars into busy rows: the three real-world feeds, failures, backoff, budget."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache

from tests import factories
from wagtail_pmc_booking import slot_cache
from wagtail_pmc_booking.calendars import sync
from wagtail_pmc_booking.calendars.fetch import feed_url
from wagtail_pmc_booking.models import BusyTime, HostCalendar

FEEDS = Path(__file__).parent / "feeds"
NOW = datetime(2026, 4, 5, 12, tzinfo=UTC)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()


@pytest.fixture
def host():
    return factories.make_host(timezone="Europe/Berlin")


def ics_calendar(host, feed_server, path, body, **fields):
    feed_server.serve(path, body)
    return HostCalendar.objects.create(
        host=host, name=path.strip("/"), kind="ics", url=feed_server.url(path), **fields
    )


@pytest.mark.parametrize("feed", ["google.ics", "outlook.ics", "apple.ics"])
def test_real_world_feeds_become_busy_rows(host, feed_server, feed):
    calendar = ics_calendar(host, feed_server, f"/{feed}", (FEEDS / feed).read_text())
    report = sync.sync_calendar(calendar, now=NOW, days=30)
    assert report.error == ""
    assert report.events_read > 0
    rows = list(BusyTime.objects.filter(calendar=calendar).order_by("start"))
    assert len(rows) == report.busy_stored > 0
    assert all(row.host_id == host.pk and row.start < row.end for row in rows)
    calendar.refresh_from_db()
    assert calendar.last_synced_at == NOW and calendar.failures == 0


@pytest.mark.parametrize(
    ("status", "body", "delay", "message"),
    [
        (401, "no", 0, "user name or password"),
        (404, "no", 0, "not found"),
        (200, "this is not iCalendar", 0, "not a readable iCalendar"),
        (200, "BEGIN:VCALENDAR", 1.5, "did not answer within"),
        (200, b"B" * (50 * 1024 * 1024), 0, "larger than 10 MiB"),
    ],
)
def test_a_failure_keeps_the_last_good_rows_and_backs_off(
    host, feed_server, status, body, delay, message
):
    calendar = ics_calendar(host, feed_server, "/g.ics", (FEEDS / "google.ics").read_text())
    good = sync.sync_calendar(calendar, now=NOW, days=30)
    feed_server.serve("/g.ics", body, status=status, delay=delay)
    later = NOW + timedelta(minutes=5)
    report = sync.sync_calendar(calendar, now=later, days=30, timeout=0.5)
    assert message in report.error
    calendar.refresh_from_db()
    assert calendar.last_error == report.error
    assert calendar.failures == 1
    assert calendar.retry_at > later
    assert calendar.last_synced_at == NOW
    assert BusyTime.objects.filter(calendar=calendar).count() == good.busy_stored
    assert "/g.ics" not in report.error


def test_backoff_grows_and_a_success_clears_the_error(host, feed_server):
    calendar = ics_calendar(host, feed_server, "/g.ics", "x")
    feed_server.serve("/g.ics", "no", status=500)
    waits = []
    for attempt in range(4):
        moment = NOW + timedelta(hours=attempt)
        sync.sync_calendar(calendar, now=moment, days=30)
        calendar.refresh_from_db()
        waits.append(calendar.retry_at - moment)
    assert calendar.failures == 4
    assert waits[3] > waits[0]
    feed_server.serve("/g.ics", (FEEDS / "google.ics").read_text())
    assert sync.sync_calendar(calendar, now=NOW + timedelta(hours=5), days=30).error == ""
    calendar.refresh_from_db()
    assert (calendar.last_error, calendar.failures, calendar.retry_at) == ("", 0, None)


def test_sync_due_reads_the_others_when_one_is_broken(host, feed_server):
    broken = ics_calendar(host, feed_server, "/broken.ics", "")
    feed_server.serve("/broken.ics", "no", status=401)
    good = ics_calendar(host, feed_server, "/g.ics", (FEEDS / "google.ics").read_text())
    reports = {r.calendar_id: r for r in sync.sync_due(now=NOW)}
    assert reports[broken.pk].error and not reports[good.pk].error
    # the broken one waits out its backoff; the good one is read again
    again = {r.calendar_id for r in sync.sync_due(now=NOW + timedelta(seconds=1))}
    assert again == {good.pk}


def test_own_booking_events_are_not_busy(host, feed_server):
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:bk_ABCDEFGH23456789@testserver\r\nDTSTAMP:20260401T000000Z\r\n"
        "DTSTART:20260406T090000Z\r\nDTEND:20260406T100000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:other@example.org\r\nDTSTAMP:20260401T000000Z\r\n"
        "DTSTART:20260406T110000Z\r\nDTEND:20260406T120000Z\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    calendar = ics_calendar(host, feed_server, "/own.ics", text)
    report = sync.sync_calendar(calendar, now=NOW, days=30)
    assert report.busy_stored == 1
    row = BusyTime.objects.get(calendar=calendar)
    assert row.start == datetime(2026, 4, 6, 11, tzinfo=UTC)


def test_a_sync_invalidates_the_slot_cache(host, feed_server):
    calendar = ics_calendar(host, feed_server, "/g.ics", (FEEDS / "google.ics").read_text())
    before = slot_cache.version()
    sync.sync_calendar(calendar, now=NOW, days=30)
    assert slot_cache.version() != before


def test_webcal_links_are_read_over_https():
    assert feed_url("webcal://p01.icloud.com/x.ics") == "https://p01.icloud.com/x.ics"


def test_refresh_stale_returns_only_failures_and_costs_one_query_when_fresh(
    host, feed_server, django_assert_num_queries
):
    good = ics_calendar(host, feed_server, "/g.ics", (FEEDS / "google.ics").read_text())
    slow = ics_calendar(host, feed_server, "/slow.ics", "")
    feed_server.serve("/slow.ics", "BEGIN:VCALENDAR", delay=2)
    reports = sync.refresh_stale([host.pk], budget_seconds=0.7, now=NOW)
    assert [r.calendar_id for r in reports] == [slow.pk]
    assert reports[0].error
    good.refresh_from_db()
    assert good.last_synced_at == NOW
    HostCalendar.objects.filter(pk=slow.pk).update(last_synced_at=NOW)
    with django_assert_num_queries(1):
        assert sync.refresh_stale([host.pk], budget_seconds=2, now=NOW) == []


def test_refresh_stale_reports_calendars_left_untried(host, feed_server):
    first = ics_calendar(host, feed_server, "/a.ics", "")
    feed_server.serve("/a.ics", "BEGIN:VCALENDAR", delay=2)
    second = ics_calendar(host, feed_server, "/b.ics", (FEEDS / "google.ics").read_text())
    reports = {
        r.calendar_id: r.error for r in sync.refresh_stale([host.pk], budget_seconds=0.5, now=NOW)
    }
    assert "did not answer" in reports[first.pk]
    assert reports[second.pk] == "not read: no time left"
