"""Which start times can be booked: the one predicate shared by listing and booking.

``host_slots`` lists, and ``is_bookable`` asks that same listing about one second, so
what an attendee is shown is exactly what the booking service accepts, and a tampered
start such as 09:07 is refused. The rules compute in whole seconds since the epoch
(``Span``): no ``datetime`` per candidate, one conversion per window boundary.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .intervals import Interval, Span, ceil_seconds, instant, merge, seconds
from .rules import (
    DateOverride,
    OutOfOfficeRule,
    WeeklyWindow,
    WindowSpan,
    localize,
    out_of_office_spans,
    window_spans,
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
_NEVER = 2**62


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
    bookings and calendar events, as seconds since the epoch (``Interval.seconds``: the
    loader reads them so, with no ``datetime`` per row); ``out_of_office`` only the
    enabled entries; ``date_overrides`` the dates
    whose hours replace their weekday's; ``caps`` every limit on bookings per day or week
    (the meeting type's and the host's own), each with its counts.
    """

    host_id: int
    timezone: str
    windows: tuple[WeeklyWindow, ...]
    out_of_office: tuple[OutOfOfficeRule, ...] = ()
    busy: tuple[Span, ...] = ()
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


def _forbidden(schedule: HostSchedule, duration: int, out_of_office: list[Span]) -> list[Span]:
    """The starts a meeting of ``duration`` seconds cannot take, merged.

    A start ``s`` meets out of office ``[a, b)`` when ``s < b`` and ``s + duration > a``,
    and its blocked range meets a busy ``[a, b)`` when ``s - before < b`` and
    ``s + duration + after > a``: each is one span of starts, so every rule becomes one
    subtraction instead of a check per candidate.
    """
    before, after = schedule.buffer_before * 60, schedule.buffer_after * 60
    spans = [(start - duration + 1, end) for start, end in out_of_office]
    spans += [
        (start - duration - after + 1, end + before) for start, end in schedule.busy if start < end
    ]
    return merge(spans)


def _host_starts(schedule: HostSchedule, query: SlotQuery, low: int, high: int) -> list[int]:
    """Bookable starts in ``[low, high)`` seconds, sorted, as plain seconds.

    Per window: the starts that fit it, within notice and horizon, minus the forbidden
    spans, leaves a few free spans, and the window's step grid inside each is a
    ``range``; only a window the clock changes in walks its wall-clock steps.
    """
    low = max(low, ceil_seconds(query.earliest_start))
    high = min(high, ceil_seconds(query.horizon_end))
    if low >= high:
        return []
    tz = zone(schedule.timezone)
    first = instant(low).astimezone(tz).date() - _ONE_DAY
    last = instant(high).astimezone(tz).date() + _ONE_DAY
    duration, step = query.duration * 60, query.step * 60
    forbidden = _forbidden(
        schedule, duration, out_of_office_spans(schedule.out_of_office, tz, first, last)
    )
    ends = [end for _, end in forbidden]
    # A last span no start reaches: the sweep below never runs off the list.
    forbidden.append((_NEVER, _NEVER))
    caps = schedule.caps
    leads: dict[time, int] = {}
    starts: list[int] = []
    spans = window_spans(schedule.windows, tz, first, last, schedule.date_overrides)
    for span in spans:
        local_date, window, window_start, window_end, steady = span
        if window_end <= low or window_start >= high:
            continue
        if caps and not all(cap.allows(local_date) for cap in caps):
            continue
        lead = leads.get(window.start)
        if lead is None:
            lead = leads[window.start] = query.lead(window.start) * 60
        if not steady:
            # The clock changes inside: step the wall clock, so slots stay on the host's
            # round times; a step landing in the gap does not exist that day.
            starts += _wall_steps(span, lead, query, tz, low, high, forbidden, ends)
            continue
        origin = window_start + lead
        top = window_end - duration + 1
        if top > high:
            top = high
        free_from = origin if origin > low else low
        index = bisect_right(ends, free_from)
        while free_from < top:
            blocked_from, blocked_to = forbidden[index]
            if free_from < blocked_from:
                first_step = free_from + (origin - free_from) % step
                starts.extend(range(first_step, blocked_from if blocked_from < top else top, step))
            if blocked_to > free_from:
                free_from = blocked_to
            index += 1
    return sorted(set(starts))


def _wall_steps(
    span: WindowSpan,
    lead: int,
    query: SlotQuery,
    tz: ZoneInfo,
    low: int,
    high: int,
    forbidden: list[Span],
    ends: list[int],
) -> Iterator[int]:
    duration, step = query.duration * 60, timedelta(minutes=query.step)
    wall = datetime.combine(span.local_date, span.window.start) + timedelta(seconds=lead)
    wall_end = datetime.combine(span.local_date, span.window.end)
    while wall < wall_end:
        found = localize(span.local_date, wall.time(), tz)
        if found is not None:
            start = seconds(found)
            index = bisect_right(ends, start)
            if (
                span.start <= start
                and start + duration <= span.end
                and low <= start < high
                and forbidden[index][0] > start
            ):
                yield start
        wall += step


def host_slots(schedule: HostSchedule, query: SlotQuery) -> list[Slot]:
    """The host's bookable slots starting in ``[query.range_start, query.range_end)``.

    Only the host-local dates that can hold such a start (plus a day either side) are
    expanded, and busy / out-of-office time is subtracted per window, so the cost follows
    the range asked for, not the size of the host's calendar.
    """
    duration = query.duration * 60
    return [
        Slot(instant(start), instant(start + duration), (schedule.host_id,))
        for start in _host_starts(schedule, query, *_range(query))
    ]


def _range(query: SlotQuery) -> tuple[int, int]:
    return ceil_seconds(query.range_start), ceil_seconds(query.range_end)


def is_bookable(schedule: HostSchedule, start: datetime, query: SlotQuery) -> bool:
    """Whether ``start`` would be listed by ``host_slots`` for a range containing it.

    ``query.range_start``/``range_end`` are ignored: they bound what is listed, not what
    may be booked. The answer is the listing's own, for the one second ``start`` is, so
    times between steps are refused like any other unavailable time.
    """
    if start.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
    second = seconds(start)
    if instant(second) != start:
        return False
    return _host_starts(schedule, query, second, second + 1) == [second]


def pool_slots(schedules: Sequence[HostSchedule], query: SlotQuery, mode: str) -> list[Slot]:
    """Slots of several hosts together.

    ``union`` (round robin, least busy, fixed) offers a time when any host is free and
    names the free hosts in input order; ``intersection`` (collective) only when all are.
    """
    if mode not in (UNION, INTERSECTION):
        raise ValueError(f"unknown pool mode {mode!r}")
    # Every slot of one query lasts the same: its start is its key.
    free: dict[int, list[int]] = {}
    bounds = _range(query)
    for schedule in schedules:
        for start in _host_starts(schedule, query, *bounds):
            hosts = free.get(start)
            if hosts is None:
                free[start] = [schedule.host_id]
            else:
                hosts.append(schedule.host_id)
    everyone = [schedule.host_id for schedule in schedules]
    duration = query.duration * 60
    return [
        Slot(instant(start), instant(start + duration), tuple(free[start]))
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
