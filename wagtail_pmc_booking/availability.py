"""The read side of scheduling: load a meeting type's hosts as plain data, list slots.

Everything for a meeting type and a time range is loaded in a fixed number of queries,
whatever the number of hosts or days; the rules themselves live in ``scheduling``.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import DateField, QuerySet, Value
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from . import scheduling, slot_cache
from .exceptions import InvalidBookingRequest
from .models import (
    AvailabilityWindow,
    Booking,
    BusyTime,
    DateOverride,
    Host,
    MeetingType,
    OutOfOffice,
)
from .models.bookings import BookingStatus, overlap_filter
from .models.expressions import EpochSeconds
from .scheduling import Slot
from .scheduling.rules import boundary, zone

# How far one look for free times reaches: scans for "the next free times" go window by
# window (``lookahead_windows``) up to the booking horizon.
LOOKAHEAD = timedelta(days=14)
# Bookings this far either side of a range can still reach into it through buffers.
_MARGIN = timedelta(days=1, hours=1)
_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Pool:
    """The hosts of a meeting type as the rules see them, in the meeting type's order."""

    meeting_type: MeetingType
    hosts: list[Host]
    schedules: list[scheduling.HostSchedule]
    read: "_Read | None" = None

    def host(self, host_id: int) -> Host:
        return next(h for h in self.hosts if h.pk == host_id)


def meeting_type_hosts(
    meeting_type: MeetingType, host_ids: Sequence[int] | None = None, **annotations: Any
) -> list[Host]:
    """Active hosts, highest priority first, then by name: the first is the Zoom host.

    ``annotations`` are read in the same query (the booking writer's per-host facts).
    """
    hosts = Host.objects.filter(meeting_types=meeting_type, is_active=True).annotate(**annotations)
    if host_ids is not None:
        hosts = hosts.filter(pk__in=host_ids)
    return sorted(hosts, key=host_order)


def host_order(host: Host) -> tuple[int, str, int]:
    """The meeting type's host order, the same in every process and database."""
    return (-host.priority, host.name, host.pk)


def load_pool(
    meeting_type: MeetingType,
    *,
    range_start: datetime,
    range_end: datetime,
    host_ids: Sequence[int] | None = None,
    exclude_booking_id: int | None = None,
    hosts: list[Host] | None = None,
) -> Pool:
    """Hosts of ``meeting_type`` with windows, out-of-office and busy ranges around the range.

    ``hosts`` may be given when the caller already holds them (e.g. locked rows).
    ``exclude_booking_id`` leaves one booking out of the busy ranges (a reschedule).
    The stored busy times of the hosts' ``check_conflicts`` calendars join the busy
    ranges (one query, no network), so the host's buffers apply around calendar events
    too, as Calendly does: a slot is free only when it and its buffers miss them.
    """
    hosts_given = hosts is not None
    if hosts is None:
        hosts = meeting_type_hosts(meeting_type, host_ids)
    ids = [h.pk for h in hosts]
    if not ids:
        return Pool(meeting_type, [], [])
    lo, hi = range_start - _MARGIN, range_end + _MARGIN
    first_day, last_day = (lo - timedelta(days=1)).date(), (hi + timedelta(days=1)).date()

    # Weekly windows and dated overrides share their columns: one query reads both.
    weekly = (
        AvailabilityWindow.objects.filter(host_id__in=ids)
        .order_by()
        .values_list(
            "host_id", "weekday", Value(None, output_field=DateField()), "start_time", "end_time"
        )
    )
    dated = (
        DateOverride.objects.filter(host_id__in=ids, date__range=(first_day, last_day))
        .order_by()
        .values_list("host_id", Value(-1), "date", "start_time", "end_time")
    )
    windows: defaultdict[int, list[scheduling.WeeklyWindow]] = defaultdict(list)
    overrides: defaultdict[int, list[scheduling.DateOverride]] = defaultdict(list)
    for host_id, weekday, on, start_time, end_time in weekly.union(dated, all=True):
        if on is None:
            windows[host_id].append(scheduling.WeeklyWindow(weekday, start_time, end_time))
        else:
            overrides[host_id].append(scheduling.DateOverride(on, start_time, end_time))

    away: defaultdict[int, list[scheduling.OutOfOfficeRule]] = defaultdict(list)
    shared_away: list[scheduling.OutOfOfficeRule] = []
    entries = OutOfOffice.objects.affecting(ids, first_day, last_day)
    for host_id, *fields in entries.values_list("host_id", *OutOfOffice.RULE_FIELDS):
        rule = scheduling.OutOfOfficeRule(*fields)
        (away[host_id] if host_id else shared_away).append(rule)

    limits = cap_limits(meeting_type, hosts)
    # A week's cap counts the bookings of every day of the weeks the range touches.
    weekly = any(period == scheduling.WEEK for by_host in limits.values() for period, *_ in by_host)
    read = _Read(
        lo=lo,
        hi=hi,
        count_lo=lo - _WEEK if weekly else lo,
        count_hi=hi + _WEEK if weekly else hi,
        counted=any(limits.values()),
        exclude_booking_id=exclude_booking_id,
        windows=windows,
        overrides=overrides,
        away=away,
        shared_away=shared_away,
        limits=limits,
        calendar=calendar_busy(ids, lo, hi, fresh=hosts_given),
    )
    busy, starts = _taken(ids, read)
    schedules = [_schedule(host, read, busy[host.pk], starts[host.pk]) for host in hosts]
    return Pool(meeting_type, hosts, schedules, read)


def refreshed(pool: Pool, host_ids: Sequence[int]) -> Pool:
    """``pool`` with these hosts' bookings read again (one query).

    The booking writer reads the pool before it locks anyone, then locks only the host
    it picks: once that row is locked, a booking committed since the first read is in
    this one, and nothing else a concurrent booking changes is read again.
    """
    if pool.read is None:
        return pool
    busy, starts = _taken(host_ids, pool.read)
    schedules = [
        _schedule(pool.host(s.host_id), pool.read, busy[s.host_id], starts[s.host_id])
        if s.host_id in host_ids
        else s
        for s in pool.schedules
    ]
    return replace(pool, schedules=schedules)


@dataclass(frozen=True)
class _Read:
    """What ``load_pool`` read besides the bookings, so ``refreshed`` re-reads only them."""

    lo: datetime
    hi: datetime
    count_lo: datetime
    count_hi: datetime
    counted: bool
    exclude_booking_id: int | None
    windows: dict[int, list[scheduling.WeeklyWindow]]
    overrides: dict[int, list[scheduling.DateOverride]]
    away: dict[int, list[scheduling.OutOfOfficeRule]]
    shared_away: list[scheduling.OutOfOfficeRule]
    limits: dict[int, list["CapLimit"]]
    calendar: dict[int, list[scheduling.Span]]


_Taken = tuple[defaultdict[int, list[scheduling.Span]], defaultdict[int, list[tuple[int, int]]]]


def _taken(ids: Sequence[int], read: _Read) -> _Taken:
    """The hosts' confirmed bookings around the range, as host or co-host, in one query:
    blocked ranges per host, and (with caps) each booking's start and meeting type."""
    confirmed = (
        Booking.objects.confirmed()
        .overlapping(read.count_lo, read.count_hi)
        .filter(host_id__in=ids)
    )
    # Joined, not ``booking__in=confirmed``: a subquery without the hosts reads every
    # confirmed booking.
    co_hosted = Booking.co_hosts.through.objects.filter(
        overlap_filter(read.count_lo, read.count_hi, "booking__"),
        host_id__in=ids,
        booking__status=BookingStatus.CONFIRMED,
    )
    if read.exclude_booking_id is not None:
        confirmed = confirmed.exclude(pk=read.exclude_booking_id)
        co_hosted = co_hosted.exclude(booking_id=read.exclude_booking_id)

    def columns(prefix: str = "") -> list[Any]:
        blocked = _span(prefix + "blocked_start", prefix + "blocked_end")
        if not read.counted:
            return ["host_id", *blocked]
        return ["host_id", *blocked, EpochSeconds(prefix + "start"), prefix + "meeting_type_id"]

    # Unordered: an ORDER BY makes SQLite pick the (status, start) index and scan every
    # confirmed booking instead of the range's rows.
    taken = (
        confirmed.order_by()
        .values_list(*columns())
        .union(co_hosted.order_by().values_list(*columns("booking__")), all=True)
    )
    busy: defaultdict[int, list[scheduling.Span]] = defaultdict(list)
    starts: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    if read.counted:
        lo, hi = scheduling.seconds(read.lo), scheduling.ceil_seconds(read.hi)
        for host_id, blocked_start, blocked_end, start, type_id in taken:
            if blocked_start < hi and blocked_end > lo:
                busy[host_id].append((blocked_start, blocked_end))
            starts[host_id].append((start, type_id))
    else:
        for host_id, blocked_start, blocked_end in taken:
            busy[host_id].append((blocked_start, blocked_end))
    return busy, starts


def _schedule(
    host: Host, read: _Read, busy: list[scheduling.Span], starts: list[tuple[int, int]]
) -> scheduling.HostSchedule:
    return scheduling.HostSchedule(
        host_id=host.pk,
        timezone=host.timezone,
        windows=tuple(read.windows.get(host.pk, ())),
        out_of_office=(*read.away.get(host.pk, ()), *read.shared_away),
        busy=(*busy, *read.calendar.get(host.pk, ())),
        buffer_before=host.buffer_before_minutes,
        buffer_after=host.buffer_after_minutes,
        caps=caps_of(host, read.limits[host.pk], starts),
        date_overrides=tuple(read.overrides.get(host.pk, ())),
    )


def _span(start: str, end: str) -> list[EpochSeconds]:
    """A range's two datetime columns as seconds since the epoch, the end rounded up so a
    sub-second end still covers its last instant."""
    return [EpochSeconds(start), EpochSeconds(end, ceil=True)]


CapLimit = tuple[str, int, int | None]
"""A cap as configured: its period, its limit, and the meeting type it counts (None: all)."""


def cap_limits(meeting_type: MeetingType, hosts: Sequence[Host]) -> dict[int, list[CapLimit]]:
    """Every cap on each host's bookings of ``meeting_type``: the type's own, per host,
    counting that type's bookings, and the host's, counting all of them."""
    own = [
        (scheduling.DAY, meeting_type.max_bookings_per_host_per_day),
        (scheduling.WEEK, meeting_type.max_bookings_per_host_per_week),
    ]
    limits: dict[int, list[CapLimit]] = {}
    for host in hosts:
        found: list[CapLimit] = [(p, n, meeting_type.pk) for p, n in own if n]
        for period, limit in (
            (scheduling.DAY, host.max_bookings_per_day),
            (scheduling.WEEK, host.max_bookings_per_week),
        ):
            if limit:
                found.append((period, limit, None))
        limits[host.pk] = found
    return limits


def caps_of(
    host: Host, limits: Sequence[CapLimit], starts: Sequence[tuple[int, int]]
) -> tuple[scheduling.Cap, ...]:
    """The host's caps with the bookings each counts, by host-local day or week.

    ``starts``: each booking's start in seconds since the epoch and its meeting type.
    """
    tz = host.zoneinfo
    caps = []
    for period, limit, type_id in limits:
        counts: defaultdict[date, int] = defaultdict(int)
        cap = scheduling.Cap(period, limit)
        for start, booked_type in starts:
            if type_id is None or booked_type == type_id:
                counts[cap.period_of(datetime.fromtimestamp(start, tz).date())] += 1
        caps.append(scheduling.Cap(period, limit, dict(counts)))
    return tuple(caps)


class _BusyCopy:
    """One slot-cache version's copy of hosts' calendar busy times, merged per host."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.hosts: dict[int, tuple[list[int], list[scheduling.Span]]] = {}


_busy_copy: _BusyCopy | None = None


def calendar_busy(
    ids: Sequence[int], lo: datetime, hi: datetime, *, fresh: bool = False
) -> dict[int, list[scheduling.Span]]:
    """The stored busy times of the hosts' ``check_conflicts`` calendars inside ``lo..hi``,
    as seconds since the epoch.

    Calendars bring thousands of rows per host, so listings share a per-process copy per
    slot-cache version (every change that drops the slot cache, a calendar sync
    included, drops it too): one query for the hosts it does not hold yet, none after.
    ``fresh`` (the booking writer, on locked rows) always reads the database.
    """
    if not fresh:
        try:
            version = slot_cache.version()
        except Exception:  # an unreachable cache: read the rows, as with fresh
            fresh = True
    rows = BusyTime.objects.filter(calendar__check_conflicts=True)
    if fresh:
        return _by_host(rows.filter(host_id__in=ids, start__lt=hi, end__gt=lo))
    global _busy_copy
    copy = _busy_copy
    if copy is None or copy.version != version:
        copy = _busy_copy = _BusyCopy(version)
    missing = [host_id for host_id in ids if host_id not in copy.hosts]
    if missing:
        loaded = _by_host(rows.filter(host_id__in=missing))
        for host_id in missing:
            merged = scheduling.merge(loaded[host_id])
            copy.hosts[host_id] = ([end for _, end in merged], merged)
    lo_s, hi_s = scheduling.seconds(lo), scheduling.ceil_seconds(hi)
    result: dict[int, list[scheduling.Span]] = {}
    for host_id in ids:
        ends, merged = copy.hosts[host_id]
        first = bisect_right(ends, lo_s)
        last = bisect_left(ends, hi_s, lo=first)
        result[host_id] = [span for span in merged[first : last + 1] if span[0] < hi_s]
    return result


def _by_host(rows: "QuerySet[BusyTime]") -> defaultdict[int, list[scheduling.Span]]:
    found: defaultdict[int, list[scheduling.Span]] = defaultdict(list)
    for host_id, start, end in rows.values_list("host_id", *_span("start", "end")):
        found[host_id].append((start, end))
    return found


def resolve_duration(meeting_type: MeetingType, duration: int | None) -> int:
    duration = duration or meeting_type.default_duration
    if duration not in (meeting_type.durations or []):
        raise InvalidBookingRequest(
            _("This meeting is offered for %(durations)s minutes.")
            % {"durations": ", ".join(str(d) for d in meeting_type.durations)},
            fields={"duration": [_("Choose one of the offered lengths.")]},
        )
    return duration


def slot_query(
    meeting_type: MeetingType,
    duration: int,
    *,
    range_start: datetime,
    range_end: datetime,
    now: datetime | None = None,
) -> scheduling.SlotQuery:
    return scheduling.SlotQuery(
        duration=duration,
        interval=meeting_type.slot_interval_minutes,
        now=now or django_timezone.now(),
        minimum_notice=meeting_type.minimum_notice_minutes,
        horizon_days=meeting_type.booking_horizon_days,
        range_start=range_start,
        range_end=range_end,
    )


def offering(pool: Pool, duration: int) -> list[scheduling.HostSchedule]:
    """Only hosts who offer ``duration`` take part; collective needs all of them."""
    keep = [s for s, h in zip(pool.schedules, pool.hosts) if duration in (h.durations or [])]
    if scheduling.pool_mode(pool.meeting_type.assignment) == scheduling.INTERSECTION and len(
        keep
    ) != len(pool.schedules):
        return []
    return keep


def local_day_range(
    first_date: date, last_date: date, tz: ZoneInfo | str
) -> tuple[datetime, datetime]:
    """UTC bounds of the local days ``first_date``..``last_date`` (inclusive) in ``tz``."""
    tz = zone(tz)
    return boundary(first_date, time(0), tz), boundary(last_date + timedelta(days=1), time(0), tz)


def list_slots(
    meeting_type: MeetingType,
    *,
    start_date: date,
    end_date: date,
    tz: ZoneInfo | str,
    duration: int | None = None,
    host_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    exclude_booking_id: int | None = None,
) -> dict[date, list[Slot]]:
    """Bookable slots between two local dates of ``tz``, keyed by the local date there.

    ``exclude_booking_id`` frees that booking's own time (its attendee is moving it).
    """
    duration = resolve_duration(meeting_type, duration)
    range_start, range_end = local_day_range(start_date, end_date, tz)
    slots = find_slots(
        meeting_type,
        duration,
        range_start=range_start,
        range_end=range_end,
        host_ids=host_ids,
        now=now,
        exclude_booking_id=exclude_booking_id,
    )
    return scheduling.slots_by_local_date(slots, tz)


def find_slots(
    meeting_type: MeetingType,
    duration: int,
    *,
    range_start: datetime,
    range_end: datetime,
    host_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    """Bookable slots starting in ``[range_start, range_end)``, as of ``now``.

    Without an explicit ``now`` the slots are computed as of the current minute, so
    identical requests within it share one cached answer (see ``slot_cache``).
    """
    if not meeting_type.is_active:
        return []
    now = now or django_timezone.now().replace(second=0, microsecond=0)

    def compute() -> list[Slot]:
        query = slot_query(
            meeting_type, duration, range_start=range_start, range_end=range_end, now=now
        )
        pool = load_pool(
            meeting_type,
            range_start=range_start,
            range_end=range_end,
            host_ids=host_ids,
            exclude_booking_id=exclude_booking_id,
        )
        mode = scheduling.pool_mode(meeting_type.assignment)
        return scheduling.pool_slots(offering(pool, duration), query, mode)

    hosts = tuple(sorted(host_ids)) if host_ids is not None else None
    parts = (meeting_type.pk, duration, range_start, range_end, hosts, now, exclude_booking_id)
    return slot_cache.cached(parts, compute)


def lookahead_windows(start: datetime, horizon: datetime) -> Iterator[tuple[datetime, datetime]]:
    """``LOOKAHEAD``-long windows from ``start`` to ``horizon``: a scan for the next free
    times reads one window at a time and stops as soon as it has enough."""
    while start < horizon:
        end = min(start + LOOKAHEAD, horizon)
        yield start, end
        start = end


def next_slots(
    meeting_type: MeetingType,
    duration: int,
    *,
    after: datetime,
    count: int = 3,
    now: datetime | None = None,
    host_ids: Sequence[int] | None = None,
) -> list[Slot]:
    """The first ``count`` slots from ``after`` on (of ``host_ids`` only, when given)."""
    now = now or django_timezone.now()
    horizon = now + timedelta(days=meeting_type.booking_horizon_days)
    found: list[Slot] = []
    for start, end in lookahead_windows(max(after, now), horizon):
        found += find_slots(
            meeting_type, duration, range_start=start, range_end=end, host_ids=host_ids, now=now
        )
        if len(found) >= count:
            break
    return found[:count]


def default_timezone(meeting_type: MeetingType) -> str:
    host = next(iter(meeting_type_hosts(meeting_type)), None)
    return host.timezone if host else "UTC"
