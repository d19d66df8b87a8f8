"""Half-open ``[start, end)`` interval algebra over aware UTC instants.

Half-open intervals let a booking that ends at 10:00 sit next to one that starts at
10:00 without the two counting as overlapping, which is what hosts expect.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from operator import attrgetter

__all__ = ["Interval", "intersect", "normalize", "overlaps_any", "subtract", "union"]


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


def normalize(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, merge overlapping or touching intervals and drop empty ones.

    The result is the canonical form the other operations (and ``overlaps_any``) rely on:
    sorted, pairwise disjoint and separated by a gap, so ends are sorted too.
    """
    merged: list[Interval] = []
    # A key sort: the dataclass's generated ``__lt__`` would be a Python call per
    # comparison, and host calendars bring thousands of intervals per host.
    for interval in sorted((i for i in intervals if i.start != i.end), key=_bounds):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


_bounds = attrgetter("start", "end")


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


class IntervalIndex:
    """Normalized intervals prepared for many overlap questions on a hot path.

    Same answer as ``overlaps_any``, but over plain bounds so no ``Interval`` is built
    per question.
    """

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[Interval]):
        merged = normalize(intervals)
        self.starts = [interval.start for interval in merged]
        self.ends = [interval.end for interval in merged]

    def hits(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` shares an instant with any indexed interval."""
        if start >= end:
            return False
        index = bisect_right(self.ends, start)
        return index < len(self.ends) and self.starts[index] < end
