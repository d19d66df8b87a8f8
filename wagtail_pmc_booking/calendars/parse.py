"""A calendar's iCalendar text → the busy intervals it holds in a range.

Busy is every event in range, recurrences expanded (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, by ``recurring-ical-events``), except transparent and cancelled events and the
events this product wrote itself. Only times survive: no title, description or attendee
leaves this module, so a host's private calendar stays private.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from ..scheduling.intervals import Interval, normalize
from ..scheduling.rules import boundary

_ONE_DAY = timedelta(days=1)


class CalendarUnreadable(ValueError):
    """The text is not an iCalendar the parser can read; the message says why."""


@dataclass(frozen=True)
class ParsedCalendar:
    """``events_read``: occurrences met in the range; ``busy``: merged UTC intervals."""

    events_read: int
    busy: list[Interval]


def busy_intervals(
    text: str | bytes,
    *,
    start: datetime,
    end: datetime,
    host_tz: ZoneInfo,
    is_own_event: Callable[[str], bool] = lambda uid: False,
) -> ParsedCalendar:
    """The busy intervals of ``text`` within ``[start, end)`` (aware datetimes).

    Floating times and all-day events are read in ``host_tz``; Google's ``X-WR-TIMEZONE``
    is honoured; ``is_own_event(uid)`` names the events this product wrote (bookings).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")  # RFC 5545: UTF-8
    try:
        calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(text))
        # Dates and floating times are only placed in time once read in the host's zone:
        # ask a day more on each side, then keep what meets the range.
        occurrences = recurring_ical_events.of(calendar).between(start - _ONE_DAY, end + _ONE_DAY)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError…
        raise CalendarUnreadable(f"not a readable iCalendar: {exc}") from exc
    busy: list[Interval] = []
    read = 0
    for event in occurrences:
        interval = _interval(event, host_tz) if event.name == "VEVENT" else None
        if interval is None or not (interval.start < end and start < interval.end):
            continue
        read += 1
        if _is_free(event) or is_own_event(str(event.get("UID", ""))):
            continue
        busy.append(Interval(max(interval.start, start), min(interval.end, end)))
    return ParsedCalendar(events_read=read, busy=normalize(busy))


def _is_free(event: icalendar.Event) -> bool:
    transparent = str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    return transparent or str(event.get("STATUS", "")).upper() == "CANCELLED"


def _interval(event: icalendar.Event, host_tz: ZoneInfo) -> Interval | None:
    """The event's span in UTC; None when it has no start or takes no time."""
    if event.get("DTSTART") is None:
        return None
    first = event.decoded("DTSTART")
    if event.get("DTEND") is not None:
        last = event.decoded("DTEND")
    elif event.get("DURATION") is not None:
        last = first + event.decoded("DURATION")
    elif isinstance(first, datetime):
        return None  # RFC 5545: a timed event without an end takes no time
    else:
        last = first + _ONE_DAY
    return Interval(_instant(first, host_tz), _instant(last, host_tz))


def _instant(value: date | datetime, host_tz: ZoneInfo) -> datetime:
    """A start or end as an aware instant: dates are the host's local midnight, floating
    times the host's wall clock (``boundary`` resolves DST gaps and folds)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return boundary(value.date(), value.time(), host_tz).astimezone(UTC)
        return value.astimezone(UTC)
    return boundary(value, time(0), host_tz).astimezone(UTC)
