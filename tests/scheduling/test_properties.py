"""Properties of the scheduling engine over random hosts, zones and DST days.

The slot rules are checked against a brute-force reference that walks every UTC
minute and reads the host's wall clock directly, so it shares no code with the engine
beyond ``zoneinfo`` itself.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_pmc_booking.scheduling import (
    DAY,
    WEEK,
    Cap,
    DateOverride,
    HostSchedule,
    Interval,
    OutOfOfficeRule,
    SlotQuery,
    WeeklyWindow,
    host_slots,
    intersect,
    is_bookable,
    normalize,
    overlaps_any,
    pool_slots,
    slots_by_local_date,
    subtract,
    union,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None)
ALGEBRA = settings(max_examples=200, deadline=None, database=None)
MINUTE = timedelta(minutes=1)

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
]
# Each zone's 2026 clock changes (Santiago and Havana change at midnight), and plain days.
CLOCK_CHANGES = [
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Europe/London", date(2026, 3, 29)),
    ("Europe/London", date(2026, 10, 25)),
    ("Australia/Lord_Howe", date(2026, 4, 5)),
    ("Australia/Lord_Howe", date(2026, 10, 4)),
    ("America/Santiago", date(2026, 4, 5)),
    ("America/Santiago", date(2026, 9, 6)),
    ("America/Havana", date(2026, 3, 8)),
    ("America/Havana", date(2026, 11, 1)),
    ("Pacific/Chatham", date(2026, 4, 5)),
    ("Pacific/Chatham", date(2026, 9, 27)),
    ("Asia/Kathmandu", date(2026, 4, 13)),
    ("Asia/Kolkata", date(2026, 4, 13)),
    ("UTC", date(2026, 4, 13)),
]


def mostly(common: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """``common`` three times in four, so most cases have slots to check."""
    return st.sampled_from((common, common, common, rare)).flatmap(lambda strategy: strategy)


def wall(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def zones_and_days(draw) -> tuple[str, date]:
    """Mostly a zone on (or next to) its clock change, sometimes any zone on that day."""
    tz, day = draw(st.sampled_from(CLOCK_CHANGES))
    tz = draw(mostly(st.just(tz), st.sampled_from(ZONES)))
    return tz, day + timedelta(days=draw(mostly(st.just(0), st.integers(-2, 2))))


@st.composite
def windows(draw, around: date) -> WeeklyWindow:
    # Many windows fall on the day drawn and start in the small hours, where clocks change.
    weekday = draw(mostly(st.just(around.weekday()), st.integers(0, 6)))
    start = draw(st.one_of(st.integers(0, 240), st.integers(0, 1438)))
    length = draw(mostly(st.integers(120, 600), st.integers(1, 600)))
    return WeeklyWindow(weekday, wall(start), wall(min(start + length, 1439)))


@st.composite
def out_of_office_rules(draw, around: date) -> OutOfOfficeRule:
    start_date = around + timedelta(days=draw(st.integers(-3, 3)))
    end_date = start_date + timedelta(days=draw(st.integers(0, 2)))
    if draw(mostly(st.just(False), st.just(True))):
        return OutOfOfficeRule(start_date, end_date)
    start = draw(st.integers(0, 1438))
    end = draw(st.integers(start + 1, 1439))
    return OutOfOfficeRule(start_date, end_date, wall(start), wall(end))


@st.composite
def schedules(draw, tz: str, around: date) -> HostSchedule:
    origin = datetime.combine(around, time(0), tzinfo=UTC)
    busy = tuple(
        Interval(start, start + timedelta(minutes=draw(st.integers(0, 240)))).seconds
        for start in draw(
            st.lists(
                st.integers(-3 * 1440, 3 * 1440).map(lambda m: origin + m * MINUTE),
                max_size=4,
            )
        )
    )
    return HostSchedule(
        host_id=1,
        timezone=tz,
        windows=tuple(draw(st.lists(windows(around), min_size=1, max_size=4))),
        out_of_office=tuple(draw(st.lists(out_of_office_rules(around), max_size=2))),
        busy=busy,
        buffer_before=draw(st.integers(0, 30)),
        buffer_after=draw(st.integers(0, 30)),
        caps=tuple(draw(st.lists(caps(around), max_size=2))),
        date_overrides=tuple(draw(mostly(st.just([]), st.lists(overrides(around), max_size=3)))),
    )


@st.composite
def caps(draw, around: date) -> Cap:
    """A day or week cap with counts on dates (or Mondays) near the day drawn."""
    period = draw(st.sampled_from([DAY, WEEK]))
    near = st.integers(-9, 9).map(lambda offset: around + timedelta(days=offset))
    if period == WEEK:
        near = near.map(lambda day: day - timedelta(days=day.weekday()))
    counts = draw(st.dictionaries(near, st.integers(0, 4), max_size=4))
    return Cap(period, draw(st.integers(0, 3)), counts)


@st.composite
def overrides(draw, around: date) -> DateOverride:
    """Hours on a date near the day drawn, often the day itself, often in the small hours."""
    day = around + timedelta(days=draw(mostly(st.just(0), st.integers(-2, 2))))
    start = draw(st.one_of(st.integers(0, 240), st.integers(0, 1438)))
    length = draw(mostly(st.integers(60, 480), st.integers(1, 600)))
    return DateOverride(day, wall(start), wall(min(start + length, 1439)))


def windows_on(schedule: HostSchedule, local_date: date) -> list[WeeklyWindow]:
    """The windows of a host-local date: its overrides if it has any, else its weekday's."""
    replaced = [
        WeeklyWindow(local_date.weekday(), o.start, o.end)
        for o in schedule.date_overrides
        if o.date == local_date
    ]
    return replaced or [w for w in schedule.windows if w.weekday == local_date.weekday()]


def under_caps(schedule: HostSchedule, local_date: date) -> bool:
    monday = local_date - timedelta(days=local_date.weekday())
    return all(
        cap.counts.get(local_date if cap.period == DAY else monday, 0) < cap.limit
        for cap in schedule.caps
    )


@st.composite
def queries(draw, around: date) -> SlotQuery:
    origin = datetime.combine(around, time(0), tzinfo=UTC)
    # Mostly a range holding the whole local day drawn, wherever the zone puts it.
    range_start = (
        origin + draw(mostly(st.integers(-16 * 60, 0), st.integers(-36 * 60, 12 * 60))) * MINUTE
    )
    # Mostly asked well ahead with a long horizon, so that most cases list something.
    return SlotQuery(
        duration=draw(st.sampled_from([15, 30, 45, 60, 7, 90])),
        interval=draw(st.sampled_from([None, 5, 10, 15, 30, 7])),
        now=range_start + draw(mostly(st.integers(-4 * 1440, 0), st.integers(0, 1440))) * MINUTE,
        minimum_notice=draw(mostly(st.just(120), st.integers(0, 600))),
        horizon_days=draw(mostly(st.just(60), st.integers(0, 8))),
        range_start=range_start,
        range_end=range_start
        + draw(mostly(st.integers(44 * 60, 3 * 1440), st.integers(0, 3 * 1440))) * MINUTE,
    )


@st.composite
def cases(draw):
    tz, around = draw(zones_and_days())
    return draw(schedules(tz, around)), draw(queries(around))


@lru_cache(maxsize=4096)
def first_instant_showing(local_date: date, wall_time: time, tz_name: str) -> datetime:
    """The first UTC minute whose wall clock reads ``wall_time`` on ``local_date`` or later.

    Found by walking forward from a few hours before any offset could put it, which is
    how a person would find "when does the clock reach 02:30" on a DST night.
    """
    tz = ZoneInfo(tz_name)
    target = datetime.combine(local_date, wall_time)
    offset = datetime.combine(local_date, time(12), tzinfo=tz).utcoffset()
    instant = (target - offset).replace(tzinfo=UTC) - timedelta(hours=3)
    assert instant.astimezone(tz).replace(tzinfo=None) < target
    while instant.astimezone(tz).replace(tzinfo=None) < target:
        instant += MINUTE
    return instant


def busy_intervals(schedule: HostSchedule) -> list[Interval]:
    """The busy ranges as instants, read back from their seconds since the epoch."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return [
        Interval(epoch + start * timedelta(seconds=1), epoch + end * timedelta(seconds=1))
        for start, end in schedule.busy
    ]


def reference_out_of_office(schedule: HostSchedule) -> list[Interval]:
    blocked = []
    for rule in schedule.out_of_office:
        day = rule.start_date
        while day <= rule.end_date:
            if rule.start_time is None:
                edges = (day, time(0)), (day + timedelta(days=1), time(0))
            else:
                edges = (day, rule.start_time), (day, rule.end_time)
            start, end = (first_instant_showing(*edge, schedule.timezone) for edge in edges)
            blocked.append(Interval(start, end))
            day += timedelta(days=1)
    return blocked


def reference_starts(schedule: HostSchedule, query: SlotQuery) -> list[datetime]:
    """The slot rules of DESIGN.md read literally, for every minute of the range."""
    tz = ZoneInfo(schedule.timezone)
    duration = timedelta(minutes=query.duration)
    # No interval: 15, 30 or 60 minutes (the largest not above the duration), counted
    # from the window's start rounded up to a quarter hour.
    clean = 60 if query.duration >= 60 else 30 if query.duration >= 30 else 15
    step = timedelta(minutes=query.interval or clean)
    out_of_office = reference_out_of_office(schedule)

    def origin(local_date: date, window_start: time) -> datetime:
        start = datetime.combine(local_date, window_start)
        if query.interval:
            return start
        return start + timedelta(minutes=-(window_start.hour * 60 + window_start.minute) % 15)

    def in_window(start: datetime, local_date: date, local_wall: datetime) -> bool:
        return any(
            local_wall >= origin(local_date, window.start)
            and (local_wall - origin(local_date, window.start)) % step == timedelta(0)
            and first_instant_showing(local_date, window.start, schedule.timezone) <= start
            and start + duration <= first_instant_showing(local_date, window.end, schedule.timezone)
            for window in windows_on(schedule, local_date)
        )

    def bookable(start: datetime) -> bool:
        local = start.astimezone(tz)
        if local.fold:
            return False
        local_date = local.date()
        blocked = Interval(
            start - timedelta(minutes=schedule.buffer_before),
            start + duration + timedelta(minutes=schedule.buffer_after),
        )
        return (
            in_window(start, local_date, local.replace(tzinfo=None))
            and not any(Interval(start, start + duration).overlaps(o) for o in out_of_office)
            and not any(blocked.overlaps(busy) for busy in busy_intervals(schedule))
            and query.now + timedelta(minutes=query.minimum_notice) <= start
            and start < query.now + timedelta(days=query.horizon_days)
            and under_caps(schedule, local_date)
        )

    starts, start = [], query.range_start
    while start < query.range_end:
        if bookable(start):
            starts.append(start)
        start += MINUTE
    return starts


@PROPERTY
@given(cases())
def test_listing_matches_the_brute_force_reference(case):
    schedule, query = case
    assert [slot.start for slot in host_slots(schedule, query)] == reference_starts(schedule, query)


@PROPERTY
@given(cases())
def test_slots_last_their_duration_and_name_their_host(case):
    schedule, query = case
    for slot in host_slots(schedule, query):
        assert slot.end - slot.start == timedelta(minutes=query.duration)
        assert slot.host_ids == (schedule.host_id,)
        assert slot.start.tzinfo is UTC


@PROPERTY
@given(cases())
def test_every_minute_of_a_slot_is_inside_one_window_of_its_local_date(case):
    """Read on the host's clock, each minute is within the window's hours on that date.

    A minute the clock shows for the second time after falling back may read earlier
    than the window's start: the window began at the first showing and never stopped.
    """
    schedule, query = case
    tz = ZoneInfo(schedule.timezone)

    def within(minute: datetime, window: WeeklyWindow, local_date: date) -> bool:
        local = minute.astimezone(tz)
        return (
            local.date() == local_date
            and local.time() < window.end
            and (window.start <= local.time() or local.fold == 1)
        )

    for slot in host_slots(schedule, query):
        local_date = slot.start.astimezone(tz).date()
        minutes = [slot.start + n * MINUTE for n in range(query.duration)]
        assert any(
            all(within(minute, window, local_date) for minute in minutes)
            for window in windows_on(schedule, local_date)
        )


@PROPERTY
@given(cases())
def test_no_slot_meets_out_of_office(case):
    schedule, query = case
    blocked = reference_out_of_office(schedule)
    for slot in host_slots(schedule, query):
        assert not any(Interval(slot.start, slot.end).overlaps(o) for o in blocked)


@PROPERTY
@given(cases())
def test_no_slot_blocked_range_meets_a_busy_range(case):
    schedule, query = case
    for slot in host_slots(schedule, query):
        blocked = Interval(
            slot.start - timedelta(minutes=schedule.buffer_before),
            slot.end + timedelta(minutes=schedule.buffer_after),
        )
        assert not any(blocked.overlaps(busy) for busy in busy_intervals(schedule))


@PROPERTY
@given(cases(), st.lists(st.integers(0, 3 * 1440), max_size=20))
def test_what_is_listed_is_exactly_what_can_be_booked(case, probes):
    schedule, query = case
    listed = {slot.start for slot in host_slots(schedule, query)}
    nudged = {start + n * MINUTE for start in listed for n in (-1, 1, 5, 30, 60)}
    probed = {query.range_start + minutes * MINUTE for minutes in probes}
    for start in listed | nudged | probed:
        if query.range_start <= start < query.range_end:
            assert is_bookable(schedule, start, query) == (start in listed), start


@PROPERTY
@given(cases(), st.sampled_from(ZONES), st.sampled_from(ZONES))
def test_every_attendee_zone_sees_the_same_slots(case, zone_a, zone_b):
    schedule, query = case
    slots = host_slots(schedule, query)
    for zone in (zone_a, zone_b):
        grouped = slots_by_local_date(slots, zone)
        assert [slot for day in grouped.values() for slot in day] == slots
        assert all(
            slot.start.astimezone(ZoneInfo(zone)).date() == day
            for day, day_slots in grouped.items()
            for slot in day_slots
        )
        assert all(grouped.values())


@st.composite
def pools(draw):
    """One to three hosts, often sharing the same hours so that collective slots exist."""
    tz, around = draw(zones_and_days())
    shared = draw(st.lists(windows(around), min_size=1, max_size=4))
    hosts = []
    for host_id in range(10, 10 + draw(st.integers(1, 3))):
        schedule = draw(schedules(draw(mostly(st.just(tz), st.sampled_from(ZONES))), around))
        own_hours = draw(mostly(st.just(tuple(shared)), st.just(schedule.windows)))
        hosts.append(replace(schedule, host_id=host_id, windows=own_hours))
    return hosts, draw(queries(around))


@PROPERTY
@given(pools())
def test_union_pool_is_every_free_host_at_every_time(pool):
    hosts, query = pool
    expected: dict[tuple, list[int]] = {}
    for schedule in hosts:
        for slot in host_slots(schedule, query):
            expected.setdefault((slot.start, slot.end), []).append(schedule.host_id)
    union_slots = pool_slots(hosts, query, "union")
    assert {(s.start, s.end): list(s.host_ids) for s in union_slots} == expected
    assert union_slots == sorted(union_slots)


@PROPERTY
@given(pools())
def test_intersection_pool_is_within_every_hosts_slots(pool):
    hosts, query = pool
    per_host = [{slot.start for slot in host_slots(schedule, query)} for schedule in hosts]
    collective = pool_slots(hosts, query, "intersection")
    assert {slot.start for slot in collective} == set.intersection(*per_host)
    assert all(slot.host_ids == tuple(s.host_id for s in hosts) for slot in collective)


BASE = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def intervals(draw) -> Interval:
    start = draw(st.integers(0, 60))
    return Interval(BASE + start * MINUTE, BASE + draw(st.integers(start, start + 20)) * MINUTE)


interval_lists = st.lists(intervals(), max_size=6)


def minutes(interval_list: list[Interval]) -> set[int]:
    """The model: an interval list is the set of whole minutes it covers."""
    covered = set()
    for interval in interval_list:
        covered.update(range((interval.start - BASE) // MINUTE, (interval.end - BASE) // MINUTE))
    return covered


def is_normalized(interval_list: list[Interval]) -> bool:
    return all(not interval.is_empty for interval in interval_list) and all(
        earlier.end < later.start for earlier, later in zip(interval_list, interval_list[1:])
    )


@ALGEBRA
@given(interval_lists)
def test_normalize_keeps_the_same_minutes_in_canonical_form(a):
    result = normalize(a)
    assert minutes(result) == minutes(a)
    assert is_normalized(result)


@ALGEBRA
@given(interval_lists, interval_lists, interval_lists)
def test_union_is_set_union(a, b, c):
    result = union(a, b, c)
    assert minutes(result) == minutes(a) | minutes(b) | minutes(c)
    assert is_normalized(result)


@ALGEBRA
@given(interval_lists, interval_lists)
def test_intersect_is_set_intersection(a, b):
    result = intersect(a, b)
    assert minutes(result) == minutes(a) & minutes(b)
    assert is_normalized(result)


@ALGEBRA
@given(interval_lists, interval_lists)
def test_subtract_is_set_difference(a, b):
    result = subtract(a, b)
    assert minutes(result) == minutes(a) - minutes(b)
    assert is_normalized(result)


@ALGEBRA
@given(intervals(), interval_lists)
def test_overlaps_any_is_sharing_a_minute(interval, others):
    assert overlaps_any(interval, normalize(others)) == bool(minutes([interval]) & minutes(others))


@ALGEBRA
@given(intervals(), intervals())
def test_overlaps_and_contains_follow_the_minutes(a, b):
    assert a.overlaps(b) == bool(minutes([a]) & minutes([b]))
    if not b.is_empty:
        assert a.contains(b) == (minutes([b]) <= minutes([a]))
