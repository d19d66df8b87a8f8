"""Property (issue 11): no listed slot touches a busy time; every untouched free slot stays."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from wagtail_pmc_booking import availability, slot_cache
from wagtail_pmc_booking.models import BusyTime, HostCalendar

NOW = datetime(2026, 4, 5, tzinfo=UTC)
DAY = date(2026, 4, 7)
DAY_START = datetime.combine(DAY, time(6), tzinfo=UTC)
ALL_WEEK = {day: [(time(8), time(20))] for day in range(7)}

intervals = st.lists(
    st.tuples(st.integers(0, 15 * 60), st.integers(1, 180)), max_size=6
)  # (minutes after 06:00 UTC, length)


def listing(meeting_type, host_ids):
    days = availability.list_slots(
        meeting_type,
        start_date=DAY,
        end_date=DAY,
        tz="UTC",
        duration=30,
        host_ids=host_ids,
        now=NOW,
    )
    return days.get(DAY, [])


def touches(slot, host, busy):
    lo = slot.start - timedelta(minutes=host.buffer_before_minutes)
    hi = slot.end + timedelta(minutes=host.buffer_after_minutes)
    return any(start < hi and lo < end for start, end in busy)


@pytest.fixture
def pool(db, settings):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "SLOTS_CACHE_SECONDS": 0}
    hosts = [
        factories.make_host(
            windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=b, buffer_after_minutes=a
        )
        for b, a in [(0, 0), (10, 15), (5, 0)]
    ]
    meeting_type = factories.make_meeting_type(hosts=hosts)
    calendars = [
        HostCalendar.objects.create(host=h, name="Work", kind="ics", url="https://x.test/a.ics")
        for h in hosts
    ]
    baseline = {h.pk: listing(meeting_type, [h.pk]) for h in hosts}
    return meeting_type, hosts, calendars, baseline


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(busy_sets=st.lists(intervals, min_size=3, max_size=3), host_count=st.integers(1, 3))
def test_listed_slots_miss_busy_times_and_untouched_ones_stay(pool, busy_sets, host_count):
    meeting_type, hosts, calendars, baseline = pool
    BusyTime.objects.all().delete()
    busy = {}
    for host, calendar, spans in zip(hosts, calendars, busy_sets, strict=True):
        busy[host.pk] = [
            (DAY_START + timedelta(minutes=at), DAY_START + timedelta(minutes=at + length))
            for at, length in spans
        ]
        BusyTime.objects.bulk_create(
            BusyTime(calendar=calendar, host=host, start=s, end=e) for s, e in busy[host.pk]
        )
    slot_cache.invalidate()  # what a sync does after replacing the rows in bulk
    chosen = hosts[:host_count]
    # Per host, strictly: listed slots miss every busy time with the buffers; free ones stay.
    for host in chosen:
        listed = listing(meeting_type, [host.pk])
        assert not [s for s in listed if touches(s, host, busy[host.pk])]
        untouched = [s.start for s in baseline[host.pk] if not touches(s, host, busy[host.pk])]
        assert [s.start for s in listed] == untouched
    # The pool: a slot is listed exactly when some host is free for it.
    by_id = {h.pk: h for h in chosen}
    pooled_slots = listing(meeting_type, list(by_id))
    assert not [s for s in pooled_slots for hid in s.host_ids if touches(s, by_id[hid], busy[hid])]
    pooled = {s.start for s in pooled_slots}
    expected = {s.start for h in chosen for s in baseline[h.pk] if not touches(s, h, busy[h.pk])}
    assert pooled == expected
