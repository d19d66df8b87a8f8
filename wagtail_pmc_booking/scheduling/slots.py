"""Which start times can be booked: the one predicate shared by listing and booking.

``host_slots`` lists and ``is_bookable`` checks a single start through the same prepared
schedule and the same rule checks, so what an attendee is shown is exactly what the
booking service accepts, and a tampered start such as 09:07 is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .intervals import Interval, IntervalIndex
from .rules import (
    DateOverride,
    DayWindow,
    OutOfOfficeRule,
    WeeklyWindow,
    expand_windows,
    localize,
    out_of_office_intervals,
    zone,
)

__all__ = [
    "DAY",
    "INTERSECTION",
    "UNION",
    "WEEK",
    "Cap",
    "HostSchedule",
    "Slot",
    "SlotQuery",
    "blocked_range",
    "host_slots",
    "is_bookable",
    "pool_slots",
    "slots_by_local_date",
]

UNION = "union"
INTERSECTION = "intersection"
_ONE_DAY = timedelta(days=1)


DAY = "day"
WEEK = "week"


@dataclass(frozen=True)
class Cap:
    """At most ``limit`` bookings per host-local day, or per week from Monday.

    ``counts`` holds the confirmed bookings it counts, keyed by ``period_of`` their
    host-local start date (the date itself, or its week's Monday).
    """

    period: str
    limit: int
    counts: Mapping[date, int] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.period not in (DAY, WEEK):
            raise ValueError(f"a cap is per {DAY} or {WEEK}, not {self.period!r}")
        if self.limit < 0:
            raise ValueError(f"a cap cannot be negative, got {self.limit}")

    def period_of(self, local_date: date) -> date:
        if self.period == DAY:
            return local_date
        return local_date - timedelta(days=local_date.weekday())

    def allows(self, local_date: date) -> bool:
        """Whether one more booking on ``local_date`` stays within the cap."""
        return self.counts.get(self.period_of(local_date), 0) < self.limit


@dataclass(frozen=True)
class HostSchedule:
    """Everything about one host that decides their slots, as plain data.

    ``busy`` holds the blocked ranges (buffers included) of the host's other confirmed
    bookings; ``out_of_office`` only the enabled entries; ``date_overrides`` the dates
    whose hours replace their weekday's; ``caps`` every limit on bookings per day or week
    (the meeting type's and the host's own), each with its counts.
    """

    host_id: int
    timezone: str
    windows: tuple[WeeklyWindow, ...]
    out_of_office: tuple[OutOfOfficeRule, ...] = ()
    busy: tuple[Interval, ...] = ()
    buffer_before: int = 0
    buffer_after: int = 0
    caps: tuple[Cap, ...] = ()
    date_overrides: tuple[DateOverride, ...] = ()


QUARTER_HOUR = 15


def default_step(duration: int) -> int:
    """The step of a meeting type without an interval: 15, 30 or 60 minutes, the largest
    that is not longer than the meeting (a 45-minute meeting steps by 30, 90 by 60)."""
    return next((step for step in (60, 30) if duration >= step), QUARTER_HOUR)


@dataclass(frozen=True)
class SlotQuery:
    """What is being booked and when: starts in ``[range_start, range_end)`` are listed.

    ``interval`` is the step between candidate starts in minutes, counted from each
    window's start. None means a clean grid (``default_step``): the duration rounded to
    15, 30 or 60 minutes, from the window's start rounded up to a quarter hour, so a
    45-minute meeting starts at 9:00, 9:30, 10:00 rather than 9:00, 9:45, 10:30.
    """

    duration: int
    interval: int | None
    now: datetime
    minimum_notice: int
    horizon_days: int
    range_start: datetime
    range_end: datetime

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"duration must be positive, got {self.duration}")
        if self.interval is not None and self.interval <= 0:
            raise ValueError(f"interval must be positive, got {self.interval}")
        for name in ("now", "range_start", "range_end"):
            if getattr(self, name).utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime")

    @property
    def step(self) -> int:
        return self.interval if self.interval is not None else default_step(self.duration)

    def lead(self, window_start: time) -> int:
        """Minutes from a window's start to its first candidate start."""
        if self.interval is not None:
            return 0
        return -(window_start.hour * 60 + window_start.minute) % QUARTER_HOUR

    @property
    def earliest_start(self) -> datetime:
        return self.now + timedelta(minutes=self.minimum_notice)

    @property
    def horizon_end(self) -> datetime:
        return self.now + timedelta(days=self.horizon_days)


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable ``[start, end)`` in UTC and the hosts free for it."""

    start: datetime
    end: datetime
    host_ids: tuple[int, ...]


def blocked_range(
    start: datetime, duration: int, buffer_before: int, buffer_after: int
) -> Interval:
    """The time a booking takes from its host: the meeting plus both buffers."""
    return Interval(
        start - timedelta(minutes=buffer_before),
        start + timedelta(minutes=duration + buffer_after),
    )


class _Checker:
    """One host's schedule prepared for a date range: zone resolved, lists normalized.

    Both the listing and the single-start check build one, so they cannot drift apart.
    """

    def __init__(self, schedule: HostSchedule, query: SlotQuery, first: date, last: date):
        self.schedule = schedule
        self.query = query
        self.tz = zone(schedule.timezone)
        self.duration = timedelta(minutes=query.duration)
        self.step = timedelta(minutes=query.step)
        self.day_windows = expand_windows(
            schedule.windows, self.tz, first, last, schedule.date_overrides
        )
        self.out_of_office = IntervalIndex(
            out_of_office_intervals(schedule.out_of_office, self.tz, first, last)
        )
        self.busy = IntervalIndex(schedule.busy)
        self.before = timedelta(minutes=schedule.buffer_before)
        self.after = timedelta(minutes=schedule.buffer_after)
        # Read once: ``admits`` runs for every candidate start.
        self.earliest, self.horizon = query.earliest_start, query.horizon_end

    def candidates(self, day_window: DayWindow) -> Iterator[datetime]:
        """Starts stepping in wall-clock time from the window's start that fit inside it.

        Stepping the wall clock (not UTC) keeps slots on the host's round times across a
        DST change; a step landing in a gap does not exist that day and is skipped.
        """
        wall = datetime.combine(day_window.local_date, day_window.window.start)
        wall_end = datetime.combine(day_window.local_date, day_window.window.end)
        lead = timedelta(minutes=self.query.lead(day_window.window.start))
        if self.is_linear(day_window, wall):
            # No clock change inside the window: wall-clock steps are UTC steps.
            start = day_window.start + lead
            while start + self.duration <= day_window.end:
                yield start
                start += self.step
            return
        wall += lead
        while wall < wall_end:
            instant = localize(day_window.local_date, wall.time(), self.tz)
            if instant is not None and self.fits(day_window, instant):
                yield instant
            wall += self.step

    def is_linear(self, day_window: DayWindow, wall: datetime) -> bool:
        """Whether the window starts where its wall clock says and keeps one UTC offset."""
        start, end = day_window.start.astimezone(self.tz), day_window.end.astimezone(self.tz)
        return start.replace(tzinfo=None) == wall and start.utcoffset() == end.utcoffset()

    def is_candidate(self, day_window: DayWindow, start: datetime) -> bool:
        """Whether ``candidates`` yields ``start``, answered without walking the window."""
        local = start.astimezone(self.tz)
        wall = local.replace(tzinfo=None)
        window_start = day_window.window.start
        offset = wall - datetime.combine(day_window.local_date, window_start)
        offset -= timedelta(minutes=self.query.lead(window_start))
        return (
            local.date() == day_window.local_date
            and offset >= timedelta(0)
            and offset % self.step == timedelta(0)
            and wall.time() < day_window.window.end
            and localize(day_window.local_date, wall.time(), self.tz) == start
            and self.fits(day_window, start)
        )

    def fits(self, day_window: DayWindow, start: datetime) -> bool:
        return day_window.start <= start and start + self.duration <= day_window.end

    def admits(self, start: datetime, local_date: date) -> bool:
        """Every rule except the window fit, which ``candidates`` already ensured."""
        if not self.earliest <= start < self.horizon:
            return False
        end = start + self.duration
        if self.out_of_office.hits(start, end):
            return False
        if self.busy.hits(start - self.before, end + self.after):
            return False
        return all(cap.allows(local_date) for cap in self.schedule.caps)

    def starts(self, low: datetime, high: datetime) -> Iterator[datetime]:
        """Bookable starts in ``[low, high)``; windows wholly outside it are not walked."""
        for day_window in self.day_windows:
            if day_window.end <= low or day_window.start >= high:
                continue
            for start in self.candidates(day_window):
                if not low <= start < high:
                    continue
                if self.admits(start, day_window.local_date):
                    yield start


def host_slots(schedule: HostSchedule, query: SlotQuery) -> list[Slot]:
    """The host's bookable slots starting in ``[query.range_start, query.range_end)``.

    Only the host-local dates that can hold such a start (plus a day either side) are
    expanded, and busy / out-of-office checks are binary searches, so the cost follows
    the range asked for, not the size of the host's calendar.
    """
    duration = timedelta(minutes=query.duration)
    return [
        Slot(start, start + duration, (schedule.host_id,))
        for start in _host_starts(schedule, query)
    ]


def _host_starts(schedule: HostSchedule, query: SlotQuery) -> list[datetime]:
    """``host_slots``' starts, sorted, without a ``Slot`` each (pools merge thousands)."""
    low = max(query.range_start, query.earliest_start)
    high = min(query.range_end, query.horizon_end)
    if low >= high:
        return []
    tz = zone(schedule.timezone)
    first = low.astimezone(tz).date() - _ONE_DAY
    last = high.astimezone(tz).date() + _ONE_DAY
    checker = _Checker(schedule, query, first, last)
    return sorted(set(checker.starts(low, high)))


def is_bookable(schedule: HostSchedule, start: datetime, query: SlotQuery) -> bool:
    """Whether ``start`` would be listed by ``host_slots`` for a range containing it.

    ``query.range_start``/``range_end`` are ignored: they bound what is listed, not what
    may be booked. ``start`` must be a step start of one of the windows of its host-local
    date, so times between steps are refused like any other unavailable time.
    """
    if start.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    tz = zone(schedule.timezone)
    local_date = start.astimezone(tz).date()
    checker = _Checker(schedule, query, local_date, local_date)
    return any(
        checker.is_candidate(day_window, start) and checker.admits(start, local_date)
        for day_window in checker.day_windows
    )


def pool_slots(schedules: Sequence[HostSchedule], query: SlotQuery, mode: str) -> list[Slot]:
    """Slots of several hosts together.

    ``union`` (round robin, least busy, fixed) offers a time when any host is free and
    names the free hosts in input order; ``intersection`` (collective) only when all are.
    """
    if mode not in (UNION, INTERSECTION):
        raise ValueError(f"unknown pool mode {mode!r}")
    # Every slot of one query lasts the same: its start is its key.
    free: dict[datetime, list[int]] = {}
    for schedule in schedules:
        for start in _host_starts(schedule, query):
            hosts = free.get(start)
            if hosts is None:
                free[start] = [schedule.host_id]
            else:
                hosts.append(schedule.host_id)
    everyone = [schedule.host_id for schedule in schedules]
    duration = timedelta(minutes=query.duration)
    return [
        Slot(start, start + duration, tuple(free[start]))
        for start in sorted(free)
        if mode == UNION or free[start] == everyone
    ]


def slots_by_local_date(slots: Iterable[Slot], tz: ZoneInfo | str) -> dict[date, list[Slot]]:
    """Group slots by the date their start falls on in ``tz`` (the attendee's zone)."""
    tz = zone(tz)
    grouped: dict[date, list[Slot]] = {}
    for slot in sorted(slots):
        grouped.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return grouped
