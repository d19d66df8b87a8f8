"""Stored calendar busy times hide slots (with the host's buffers around them), in one query."""

from datetime import date, datetime, timedelta

import pytest

from tests import factories
from tests.availability.test_read_service import IST, NOW, slots_between
from tests.availability.test_slot_cache import MONDAY, monday_starts
from wagtail_pmc_booking import slot_cache
from wagtail_pmc_booking.calendars import sync
from wagtail_pmc_booking.models import BusyTime, HostCalendar


def calendar_of(host, *, check_conflicts=True):
    return HostCalendar.objects.create(
        host=host,
        name="Work",
        kind="ics",
        url="https://calendar.example.com/work.ics",
        check_conflicts=check_conflicts,
        last_synced_at=NOW,
    )


def busy(calendar, start, minutes):
    return BusyTime.objects.create(
        calendar=calendar, host=calendar.host, start=start, end=start + timedelta(minutes=minutes)
    )


def test_a_busy_time_hides_the_slots_it_and_the_buffers_touch(product_demo, seed_host):
    before = monday_starts(product_demo)
    assert {"10:00", "10:30", "11:00", "11:30"} <= set(before)
    busy(calendar_of(seed_host), datetime(2026, 4, 13, 10, 50, tzinfo=IST), 20)
    slot_cache.invalidate()
    after = monday_starts(product_demo)
    # 10:50–11:10 busy; buffers 10 before and 15 after: 10:30 ends 11:00+15 > 10:50.
    assert "10:30" not in after and "11:00" not in after
    assert "10:00" in after and "11:30" in after
    assert set(after) == set(before) - {"10:30", "11:00"}


def test_a_busy_time_ending_a_fraction_of_a_second_into_a_buffer_hides_that_slot(
    product_demo, seed_host
):
    """Stored ends keep their microseconds; read in whole seconds they round up, never down
    to a time that would let the slot's buffer touch the event instead of meeting it."""
    assert "11:30" in monday_starts(product_demo)
    start = datetime(2026, 4, 13, 11, 0, tzinfo=IST)
    # 11:00–11:20:00.5 busy; the 11:30 slot's 10-minute buffer starts at 11:20.
    BusyTime.objects.create(
        calendar=calendar_of(seed_host),
        host=seed_host,
        start=start,
        end=start + timedelta(minutes=20, milliseconds=500),
    )
    slot_cache.invalidate()
    assert "11:30" not in monday_starts(product_demo)


def test_a_calendar_without_check_conflicts_hides_nothing(product_demo, seed_host):
    before = monday_starts(product_demo)
    busy(
        calendar_of(seed_host, check_conflicts=False), datetime(2026, 4, 13, 10, 0, tzinfo=IST), 60
    )
    slot_cache.invalidate()
    assert monday_starts(product_demo) == before


def test_the_cached_listing_drops_a_busy_time_once_invalidated(product_demo, seed_host):
    assert "10:00" in monday_starts(product_demo)
    calendar = calendar_of(seed_host)
    BusyTime.objects.bulk_create(
        [
            BusyTime(
                calendar=calendar,
                host=seed_host,
                start=datetime(2026, 4, 13, 10, 0, tzinfo=IST),
                end=datetime(2026, 4, 13, 10, 30, tzinfo=IST),
            )
        ]
    )
    slot_cache.invalidate()
    assert "10:00" not in monday_starts(product_demo)


def test_another_hosts_busy_time_hides_nothing(product_demo, seed_host):
    before = monday_starts(product_demo)
    other = factories.make_seed_host()
    busy(calendar_of(other), datetime(2026, 4, 13, 9, 0, tzinfo=IST), 240)
    slot_cache.invalidate()
    assert monday_starts(product_demo) == before


@pytest.mark.parametrize("host_count", [1, 10])
def test_calendars_add_one_query_whatever_the_number_of_hosts(
    db, settings, django_assert_num_queries, host_count
):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "SLOTS_CACHE_SECONDS": 0}
    hosts = [factories.make_seed_host() for _ in range(host_count)]
    meeting = factories.make_meeting_type(hosts=hosts, max_bookings_per_host_per_day=4)
    for host in hosts:
        calendar = calendar_of(host)
        busy(calendar, datetime(2026, 4, 14, 10, 0, tzinfo=IST), 60)
        busy(calendar, datetime(2026, 4, 20, 15, 0, tzinfo=IST), 30)
    with django_assert_num_queries(5):  # hosts, hours, out of office, bookings, busy times
        days = slots_between(meeting, date(2026, 4, 6), date(2026, 6, 4), tz="Europe/Berlin")
    assert len(days) > 30
    tuesday = [s.start.astimezone(IST).strftime("%H:%M") for s in days[MONDAY + timedelta(days=1)]]
    assert "10:00" not in tuesday


def test_a_sync_drops_the_copy_of_busy_times_listings_share(
    product_demo, seed_host, feed_server, settings, django_capture_on_commit_callbacks
):
    """Listings reuse one copy of the busy rows per slot-cache version; a sync is a change."""
    calendar = calendar_of(seed_host)
    calendar.url = feed_server.url("/work.ics")
    calendar.save()
    feed_server.serve(
        "/work.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x1\r\n"
        "DTSTAMP:20260401T000000Z\r\nDTSTART:20260413T043000Z\r\nDTEND:20260413T050000Z\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "SLOTS_CACHE_SECONDS": 0}
    assert "10:00" in monday_starts(product_demo)  # the copy now holds no busy time
    with django_capture_on_commit_callbacks(execute=True):
        report = sync.sync_calendar(calendar, now=NOW)
    assert report.error == "" and report.busy_stored == 1
    assert "10:00" not in monday_starts(product_demo)  # 10:00–10:30 IST is busy
