"""Which free times to offer an attendee who just cancelled: spread, not bunched.

Three back-to-back slots on one morning are one choice, not three. The offers are the
nearest times to the cancelled one on the same local day and the days after it, at most
``per_day`` a day and ``min_gap`` apart within a day; the cancelled time itself is never
offered (it has just become free, which is why a naive "next slots" would list it).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

DEFAULT_COUNT = 3
DEFAULT_PER_DAY = 2
DEFAULT_MIN_GAP = timedelta(hours=2)


def spread_offers(
    starts: Iterable[datetime],
    *,
    around: datetime,
    tz: tzinfo,
    count: int = DEFAULT_COUNT,
    per_day: int = DEFAULT_PER_DAY,
    min_gap: timedelta = DEFAULT_MIN_GAP,
) -> list[datetime]:
    """Up to ``count`` of ``starts`` (aware datetimes), chronologically, near ``around``.

    Candidates are ranked by local day (``around``'s first), then by how far their local
    time of day is from ``around``'s. A first pass keeps the spacing rules; if that
    leaves fewer than ``count``, the best remaining candidates fill up.
    """
    if count <= 0:
        return []
    local_around = around.astimezone(tz)
    first_day = local_around.date()
    minute_of_day = local_around.hour * 60 + local_around.minute

    def rank(start: datetime) -> tuple[int, int, datetime]:
        local = start.astimezone(tz)
        distance = abs(local.hour * 60 + local.minute - minute_of_day)
        return (abs((local.date() - first_day).days), distance, start)

    candidates = sorted({start for start in starts if start != around}, key=rank)
    chosen: list[datetime] = []
    for start in candidates:
        if len(chosen) == count:
            break
        same_day = [c for c in chosen if c.astimezone(tz).date() == start.astimezone(tz).date()]
        if len(same_day) < per_day and all(abs(c - start) >= min_gap for c in same_day):
            chosen.append(start)
    for start in candidates:
        if len(chosen) == count:
            break
        if start not in chosen:
            chosen.append(start)
    return sorted(chosen)
