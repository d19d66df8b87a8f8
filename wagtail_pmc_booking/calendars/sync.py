"""Read host calendars into ``BusyTime`` rows, so listing slots never touches the network.

A read replaces the calendar's rows in one transaction; a failed read keeps the last good
rows, says why in ``last_error`` and waits out a doubling backoff before the periodic
task tries again. Errors name the host at most: a feed's address is its secret.
"""

import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from .. import outbound, slot_cache
from ..conf import booking_settings
from ..models import BusyTime, HostCalendar, MeetingType
from . import fetch
from .parse import CalendarUnreadable, busy_intervals

logger = logging.getLogger(__name__)

# A failed calendar is tried again after the refresh interval, doubling, up to six hours.
RETRY_MAX_SECONDS = 6 * 3600.0
_BATCH = 1000
_NOT_TRIED = "not read: no time left"
_EXPECTED = (outbound.FetchError, outbound.UnsafeURL, CalendarUnreadable)


@dataclass(frozen=True)
class SyncReport:
    """What one read of one calendar did; ``error`` is safe to show (no secrets)."""

    calendar_id: int
    name: str
    events_read: int = 0
    busy_stored: int = 0
    error: str = ""


def retry_delay(failures: int, *, rng: Callable[[float, float], float] = random.uniform) -> float:
    """Seconds before the next periodic try: doubling from the refresh interval, half jittered."""
    base = float(booking_settings.CALENDAR_REFRESH_MINUTES) * 60.0
    ceiling = min(RETRY_MAX_SECONDS, base * 2.0 ** min(max(failures, 1) - 1, 30))
    return ceiling / 2 + rng(0, ceiling / 2)


def lookahead_days() -> int:
    """``CALENDAR_LOOKAHEAD_DAYS``, else the longest horizon of an active meeting type."""
    days = booking_settings.CALENDAR_LOOKAHEAD_DAYS
    if days is None:
        days = MeetingType.objects.filter(is_active=True).aggregate(
            longest=Max("booking_horizon_days")
        )["longest"]
    return max(1, int(days or 1))


def own_event_predicate() -> Callable[[str], bool]:
    """True for the UIDs of this product's bookings (``notifications.ics.uid``)."""
    domain = urlsplit(booking_settings.BASE_URL or "").hostname or "wagtail-pmc-booking"
    pattern = re.compile(r"bk_[A-Za-z0-9]+@" + re.escape(domain), re.IGNORECASE)
    return lambda uid: pattern.fullmatch(uid.strip()) is not None


def sync_calendar(
    calendar: HostCalendar,
    *,
    now: datetime | None = None,
    timeout: float | None = None,
    days: int | None = None,
) -> SyncReport:
    """Read one calendar and replace its busy rows; a failure is reported, never raised."""
    now = now or timezone.now()
    start = now - timedelta(days=1)
    end = now + timedelta(days=days if days is not None else lookahead_days())
    try:
        texts = fetch.read(calendar, start=start, end=end, timeout=timeout)
        host_tz = ZoneInfo(calendar.host.timezone)
        is_own = own_event_predicate()
        events = 0
        busy = []
        for text in texts:
            parsed = busy_intervals(
                text, start=start, end=end, host_tz=host_tz, is_own_event=is_own
            )
            events += parsed.events_read
            busy.extend(parsed.busy)
    except _EXPECTED as exc:
        return _failed(calendar, str(exc), now)
    except Exception as exc:  # noqa: BLE001 - one broken calendar never stops the others
        logger.exception(
            "Reading calendar %s (host %s) failed unexpectedly",
            calendar.pk,
            outbound.host_of(calendar.url),
        )
        return _failed(calendar, f"Unexpected error: {type(exc).__name__}", now)
    rows = [
        BusyTime(calendar_id=calendar.pk, host_id=calendar.host_id, start=b.start, end=b.end)
        for b in busy
    ]
    with transaction.atomic():
        BusyTime.objects.filter(calendar_id=calendar.pk).delete()
        BusyTime.objects.bulk_create(rows, batch_size=_BATCH)
        HostCalendar.objects.filter(pk=calendar.pk).update(
            last_synced_at=now, last_error="", failures=0, retry_at=None
        )
        transaction.on_commit(slot_cache.invalidate)
    calendar.last_synced_at, calendar.last_error = now, ""
    calendar.failures, calendar.retry_at = 0, None
    return SyncReport(calendar.pk, calendar.name, events_read=events, busy_stored=len(rows))


def _failed(calendar: HostCalendar, error: str, now: datetime) -> SyncReport:
    failures = calendar.failures + 1
    retry_at = now + timedelta(seconds=retry_delay(failures))
    error = error[:1000]
    HostCalendar.objects.filter(pk=calendar.pk).update(
        last_error=error, failures=failures, retry_at=retry_at
    )
    calendar.last_error, calendar.failures, calendar.retry_at = error, failures, retry_at
    return SyncReport(calendar.pk, calendar.name, error=error)


def sync_due(*, now: datetime | None = None) -> list[SyncReport]:
    """Read every calendar of an active host that is not waiting out a backoff."""
    now = now or timezone.now()
    days = lookahead_days()
    calendars = (
        HostCalendar.objects.filter(host__is_active=True)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .select_related("host")
        .order_by("host_id", "pk")
    )
    return [_sync_guarded(calendar, now=now, days=days) for calendar in calendars]


def _sync_guarded(
    calendar: HostCalendar, *, now: datetime, days: int, timeout: float | None = None
) -> SyncReport:
    try:
        return sync_calendar(calendar, now=now, timeout=timeout, days=days)
    except Exception as exc:  # noqa: BLE001 - e.g. the database write itself failed
        logger.exception("Storing calendar %s failed", calendar.pk)
        return SyncReport(calendar.pk, calendar.name, error=f"Not stored: {type(exc).__name__}")


def stale_calendars(now: datetime) -> "QuerySet[HostCalendar]":
    """Calendars that hide slots and were last read longer ago than the staleness limit."""
    limit = now - timedelta(seconds=booking_settings.CALENDAR_STALE_SECONDS)
    return HostCalendar.objects.filter(check_conflicts=True).filter(
        Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=limit)
    )


def refresh_stale(
    host_ids: Sequence[int], *, budget_seconds: float, now: datetime | None = None
) -> list[SyncReport]:
    """Read again, within the budget, those hosts' stale check_conflicts calendars.

    Returns only the reports of calendars that failed or were not read for lack of time;
    one query when nothing is stale.
    """
    now = now or timezone.now()
    calendars = list(
        stale_calendars(now)
        .filter(host_id__in=list(host_ids))
        .select_related("host")
        .order_by("host_id", "pk")
    )
    if not calendars:
        return []
    deadline = time.monotonic() + budget_seconds
    days = lookahead_days()
    failed = []
    for calendar in calendars:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            failed.append(SyncReport(calendar.pk, calendar.name, error=_NOT_TRIED))
            continue
        report = _sync_guarded(calendar, now=now, days=days, timeout=remaining)
        if report.error:
            failed.append(report)
    return failed


def check_connection(calendar: HostCalendar) -> str:
    """ "" when the calendar answers, else the error to show (no secrets)."""
    return fetch.test(calendar)
