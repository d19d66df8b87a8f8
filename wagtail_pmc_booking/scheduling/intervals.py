"""Half-open ``[start, end)`` interval algebra over aware UTC instants, and the same
intervals as whole seconds since the epoch (``Span``), which the slot rules compute with.

Half-open intervals let a booking that ends at 10:00 sit next to one that starts at
10:00 without the two counting as overlapping, which is what hosts expect.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import TypeVar

__all__ = [
    "Interval",
    "Span",
    "ceil_seconds",
    "instant",
    "intersect",
    "merge",
    "normalize",
    "overlaps_any",
    "seconds",
    "subtract",
    "union",
]

Span = tuple[int, int]
"""``[start, end)`` in whole seconds since the epoch: plain integers, so the rules compare
and step them without building a ``datetime`` per candidate."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded down (exact: no float in between)."""
    return (moment - _EPOCH) // _SECOND


def ceil_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded up: an exclusive end that keeps its instant."""
    return -((_EPOCH - moment) // _SECOND)


def instant(second: int) -> datetime:
    """The aware UTC ``datetime`` of a second since the epoch (exact for an ``int``)."""
    return datetime.fromtimestamp(second, UTC)


@dataclass(frozen=True, order=True)
class Interval:
    """The instants ``start <= t < end``; ``start == end`` is the empty interval."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Interval ends before it starts: {self.start} > {self.end}")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    def overlaps(self, other: Interval) -> bool:
        """True when the two share at least one instant; touching ends do not count."""
        return max(self.start, other.start) < min(self.end, other.end)

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def seconds(self) -> Span:
        """The whole seconds covering this interval (start rounded down, end up)."""
        return seconds(self.start), ceil_seconds(self.end)


Bound = TypeVar("Bound", datetime, int)


def merge(bounds: Iterable[tuple[Bound, Bound]]) -> list[tuple[Bound, Bound]]:
    """``(start, end)`` pairs sorted, overlapping or touching ones merged, empty ones
    dropped: the canonical form, for ``Interval`` bounds and ``Span`` alike."""
    merged: list[tuple[Bound, Bound]] = []
    for start, end in sorted(pair for pair in bounds if pair[0] < pair[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def normalize(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, merge overlapping or touching intervals and drop empty ones.

    The result is the canonical form the other operations (and ``overlaps_any``) rely on:
    sorted, pairwise disjoint and separated by a gap, so ends are sorted too.
    """
    return [Interval(start, end) for start, end in merge((i.start, i.end) for i in intervals)]


def union(*lists: Iterable[Interval]) -> list[Interval]:
    return normalize(chain.from_iterable(lists))


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The instants in both ``a`` and ``b``, by one merge-like sweep."""
    left, right = normalize(a), normalize(b)
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end <= right[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The instants in ``a`` that are not in ``b``."""
    remove = normalize(b)
    result: list[Interval] = []
    j = 0
    for interval in normalize(a):
        start = interval.start
        while j < len(remove) and remove[j].end <= start:
            j += 1
        k = j
        while k < len(remove) and remove[k].start < interval.end:
            if remove[k].start > start:
                result.append(Interval(start, remove[k].start))
            start = max(start, remove[k].end)
            k += 1
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def overlaps_any(interval: Interval, intervals: Sequence[Interval]) -> bool:
    """Whether ``interval`` shares an instant with any of ``intervals`` in O(log n).

    ``intervals`` must already be normalized: their ends are then sorted, so the only
    candidate is the first one ending after ``interval`` starts.
    """
    if interval.is_empty:
        return False
    index = bisect_right(intervals, interval.start, key=_end)
    return index < len(intervals) and intervals[index].start < interval.end


def _end(interval: Interval) -> datetime:
    return interval.end
