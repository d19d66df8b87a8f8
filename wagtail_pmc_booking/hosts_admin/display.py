"""Cells of the host, meeting type and out-of-office listings.

The weekly summary reads the prefetched windows, so a listing of any length costs the
same queries.
"""

from collections.abc import Iterable
from datetime import time

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext

from ..models import Host, OutOfOffice


def durations_label(durations: Iterable[int] | None) -> str:
    if not durations:
        return ""
    return gettext("%(lengths)s min") % {"lengths": ", ".join(str(d) for d in durations)}


def time_range_label(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def weekly_summary(host: Host) -> str:
    """E.g. "Mon 09:00–12:30, 14:00–18:00 · Tue 10:00–13:00"; uses the prefetched rows."""
    by_day: dict[int, list[str]] = {}
    for window in sorted(host.availability_windows.all(), key=lambda w: (w.weekday, w.start_time)):
        by_day.setdefault(window.weekday, []).append(
            time_range_label(window.start_time, window.end_time)
        )
    if not by_day:
        return gettext("Unavailable")
    return " · ".join(f"{WEEKDAYS_ABBR[day]} {', '.join(ranges)}" for day, ranges in by_day.items())


def out_of_office_host(entry: OutOfOffice) -> str:
    return entry.host.name if entry.host_id else gettext("Every host")


def out_of_office_status(entry: OutOfOffice) -> str:
    return gettext("Enabled") if entry.is_enabled else gettext("Disabled")


def out_of_office_times(entry: OutOfOffice) -> str:
    if entry.is_whole_day:
        return gettext("Whole day")
    return time_range_label(entry.start_time, entry.end_time)
