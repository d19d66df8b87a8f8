"""Hosts' wall-clock rules (weekly windows, date overrides, out of office) turned into
UTC instants.

Hosts think in their own wall clock, bookings are stored in UTC. Every conversion goes
through this module so that daylight-saving days are handled one way everywhere: a
wall-clock time that does not exist (spring-forward gap) is skipped or, for a range
boundary, moved to the end of the gap; an ambiguous one (fall-back) means its first
occurrence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .intervals import Interval, Span, instant, merge, seconds

__all__ = [
    "DateOverride",
    "DayWindow",
    "OutOfOfficeRule",
    "WeeklyWindow",
    "WindowSpan",
    "boundary",
    "boundary_seconds",
    "expand_windows",
    "localize",
    "out_of_office_intervals",
    "out_of_office_spans",
    "window_spans",
    "zone",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WeeklyWindow:
    """Recurring availability: ``start``–``end`` wall-clock on ``weekday`` (0=Mon..6=Sun)."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window times are naive wall-clock times in the host zone")
        if not self.start < self.end:
            raise ValueError(f"window must start before it ends: {self.start}-{self.end}")


@dataclass(frozen=True)
class DateOverride:
    """Hours on one host-local ``date`` that replace its weekday's windows.

    A date with overrides has only those windows (extra hours on a Saturday, shorter ones
    on a Friday); a date with none keeps its weekday's. Closing a whole date is out of
    office, not an override.
    """

    date: date
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("override times are naive wall-clock times in the host zone")
        if not self.start < self.end:
            raise ValueError(f"override must start before it ends: {self.start}-{self.end}")

    @property
    def window(self) -> WeeklyWindow:
        return WeeklyWindow(self.date.weekday(), self.start, self.end)


@dataclass(frozen=True)
class OutOfOfficeRule:
    """Dates ``start_date``..``end_date`` (inclusive), whole days or one window on each.

    Both times empty blocks whole days; both set blocks ``start_time``–``end_time`` on
    every date in the range. Setting only one is refused rather than guessed at.
    """

    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(f"out of office ends before it starts: {self.start_date}")
        if (self.start_time is None) != (self.end_time is None):
            raise ValueError("out of office needs both times or neither")
        if (
            self.start_time is not None
            and self.end_time is not None
            and not self.start_time < self.end_time
        ):
            raise ValueError(f"out of office window is empty: {self.start_time}-{self.end_time}")

    @property
    def whole_days(self) -> bool:
        return self.start_time is None


@dataclass(frozen=True)
class DayWindow:
    """One weekly window on one local date, with its boundaries as UTC instants."""

    local_date: date
    window: WeeklyWindow
    start: datetime
    end: datetime


def zone(tz: ZoneInfo | str) -> ZoneInfo:
    """Accept a zone or its IANA name; ``ZoneInfo`` caches instances per name."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def localize(local_date: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant showing ``wall`` on ``local_date`` in ``tz``.

    None when that wall-clock time does not exist (spring-forward gap), found by the
    round trip failing; an ambiguous time (fall-back) gives its first occurrence.
    """
    naive = datetime.combine(local_date, wall.replace(tzinfo=None, fold=0))
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return instant


def boundary(local_date: date, wall: time, tz: ZoneInfo) -> datetime:
    """Where a range edge at ``wall`` lands: ``localize``, or the end of the gap.

    Used for window and out-of-office edges so a range covers exactly the existing
    wall-clock times between its two edges.
    """
    instant = localize(local_date, wall, tz)
    if instant is not None:
        return instant
    naive = datetime.combine(local_date, wall.replace(tzinfo=None, fold=0))
    # Inside a gap, fold=1 reads the wall time with the offset after the transition and
    # fold=0 with the one before, which brackets the transition instant; tz transitions
    # fall on whole seconds, so a binary search over POSIX seconds finds it exactly.
    before = math.floor(naive.replace(tzinfo=tz, fold=1).timestamp())
    after = math.ceil(naive.replace(tzinfo=tz, fold=0).timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= naive:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


@lru_cache(maxsize=32768)
def boundary_seconds(local_date: date, wall: time, tz: ZoneInfo) -> int:
    """``boundary`` in seconds since the epoch, remembered: hosts share zones and hours,
    so a listing converts each (date, wall time, zone) once, not once per host."""
    return seconds(boundary(local_date, wall, tz))


def _dates(first_date: date, last_date: date) -> Iterator[date]:
    day = first_date
    while day <= last_date:
        yield day
        day += _ONE_DAY


class WindowSpan(NamedTuple):
    """One window on one local date, its boundaries in seconds since the epoch.

    ``steady``: the clock keeps one offset through it, so its wall-clock steps are steps
    of seconds; a window a clock change falls in has to be walked on the wall clock.
    """

    local_date: date
    window: WeeklyWindow
    start: int
    end: int
    steady: bool


def _wall_seconds(wall: time) -> int:
    return wall.hour * 3600 + wall.minute * 60 + wall.second


def window_spans(
    windows: Iterable[WeeklyWindow],
    tz: ZoneInfo | str,
    first_date: date,
    last_date: date,
    overrides: Iterable[DateOverride] = (),
) -> list[WindowSpan]:
    """Every window on every local date in ``[first_date, last_date]``, sorted by start:
    a date's overrides where it has any, else its weekday's.

    A window squeezed to nothing by a gap (e.g. 02:00–02:45 on a spring-forward night)
    is dropped.
    """
    tz = zone(tz)
    by_weekday: dict[int, list[tuple[WeeklyWindow, int]]] = {}
    for window in windows:
        length = _wall_seconds(window.end) - _wall_seconds(window.start)
        by_weekday.setdefault(window.weekday, []).append((window, length))
    by_date: dict[date, list[tuple[WeeklyWindow, int]]] = {}
    for override in overrides:
        length = _wall_seconds(override.end) - _wall_seconds(override.start)
        by_date.setdefault(override.date, []).append((override.window, length))
    expanded: list[WindowSpan] = []
    for day in _dates(first_date, last_date):
        for window, length in by_date.get(day) or by_weekday.get(day.weekday(), []):
            start = boundary_seconds(day, window.start, tz)
            end = boundary_seconds(day, window.end, tz)
            if start < end:
                # As long on the clock as in seconds: one offset throughout (a window
                # cannot hold two clock changes that cancel out).
                expanded.append(WindowSpan(day, window, start, end, end - start == length))
    expanded.sort(key=lambda span: (span.start, span.end))
    return expanded


def expand_windows(
    windows: Iterable[WeeklyWindow],
    tz: ZoneInfo | str,
    first_date: date,
    last_date: date,
    overrides: Iterable[DateOverride] = (),
) -> list[DayWindow]:
    """``window_spans`` with its boundaries as UTC instants."""
    return [
        DayWindow(span.local_date, span.window, instant(span.start), instant(span.end))
        for span in window_spans(windows, tz, first_date, last_date, overrides)
    ]


def out_of_office_spans(
    rules: Iterable[OutOfOfficeRule],
    tz: ZoneInfo | str,
    first_date: date,
    last_date: date,
) -> list[Span]:
    """The seconds blocked by ``rules``, merged, for dates around the given range.

    Only dates from the day before ``first_date`` to the day after ``last_date`` are
    expanded, so a rule spanning years costs no more than the range asked for.
    """
    tz = zone(tz)
    midnight = time(0)
    blocked: list[Span] = []
    for rule in rules:
        first = max(rule.start_date, first_date - _ONE_DAY)
        last = min(rule.end_date, last_date + _ONE_DAY)
        # ``rule.whole_days``, spelled out so both times are narrowed: ``__post_init__``
        # allows both or neither.
        start_time, end_time = rule.start_time, rule.end_time
        for day in _dates(first, last):
            if start_time is None or end_time is None:
                edges = (day, midnight), (day + _ONE_DAY, midnight)
            else:
                edges = (day, start_time), (day, end_time)
            blocked.append((boundary_seconds(*edges[0], tz), boundary_seconds(*edges[1], tz)))
    return merge(blocked)


def out_of_office_intervals(
    rules: Iterable[OutOfOfficeRule],
    tz: ZoneInfo | str,
    first_date: date,
    last_date: date,
) -> list[Interval]:
    """``out_of_office_spans`` as normalized UTC intervals."""
    return [
        Interval(instant(start), instant(end))
        for start, end in out_of_office_spans(rules, tz, first_date, last_date)
    ]
