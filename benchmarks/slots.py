"""Time listing 60 days of round-robin slots for 25 hosts with 5,000 bookings.

Run: ``.venv/bin/python benchmarks/slots.py [--database-url postgres://…] [--grid]``.
``--grid`` instead prints the cold median for hosts {5, 25, 100} × days {7, 31, 62} ×
bookings {1k, 5k, 50k} (spread over a year, so most lie outside the range listed), and
the peak memory of the 100-host, 62-day listing.
Prints the median and p95 of the whole read (queries + rules) and its query count
(with the garbage collector's startup heap frozen, as docs/deployment.md advises), first
without host calendars, then with one ``check_conflicts`` calendar per host holding
2,000 busy intervals over the 60 days (issue 11: at most +1 query, +20% cold median).
"""

import gc
import random
import statistics
import sys
import time as clock
import tracemalloc
from datetime import UTC, datetime, time, timedelta

from _django import percentile, setup

ZONES = ["Asia/Kolkata", "Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney"]
HOSTS, DAYS, BOOKINGS, OUT_OF_OFFICE = 25, 60, 5000, 200
BUSY_PER_CALENDAR = 2000


def build(now):
    from tests import factories
    from wagtail_pmc_booking.models import Booking, OutOfOffice

    rng = random.Random(7)
    hosts = []
    for n in range(HOSTS):
        start = 8 + n % 3
        windows = {
            day: [(time(start, 0), time(start + 3, 30)), (time(start + 4, 30), time(start + 9, 0))]
            for day in range(5)
        }
        hosts.append(factories.make_host(windows=windows, timezone=ZONES[n % len(ZONES)]))
    meeting = factories.make_meeting_type(hosts=hosts, assignment="round_robin")

    bookings = []
    per_host = BOOKINGS // HOSTS
    for host in hosts:
        # Non-overlapping by construction: one booking per 70-minute step from a random day.
        for k in range(per_host):
            day = now + timedelta(days=1 + (k * DAYS) // per_host)
            start = day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
                minutes=70 * (k % 18)
            )
            bookings.append(factories.booking_row(meeting, host, start, attendee_name="Bench"))
    Booking.objects.bulk_create(bookings, batch_size=1000)
    away = []
    for n in range(OUT_OF_OFFICE):
        first = (now + timedelta(days=rng.randrange(DAYS))).date()
        partial = n % 2 == 0
        away.append(
            OutOfOffice(
                host=rng.choice(hosts),
                start_date=first,
                end_date=first + timedelta(days=0 if partial else rng.randrange(3)),
                start_time=time(13, 0) if partial else None,
                end_time=time(15, 0) if partial else None,
                reason="Bench",
            )
        )
    OutOfOffice.objects.bulk_create(away)
    return meeting


def add_calendars(meeting, now):
    """One calendar per host, ``BUSY_PER_CALENDAR`` random 15–120 minute busy times."""
    from wagtail_pmc_booking.models import BusyTime, HostCalendar

    rng = random.Random(11)
    rows = []
    for host in meeting.hosts.all():
        calendar = HostCalendar.objects.create(
            host=host, name="Work", kind="ics", url="https://calendar.example.com/w.ics"
        )
        for _ in range(BUSY_PER_CALENDAR):
            start = now + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
            end = start + timedelta(minutes=rng.randrange(15, 121))
            rows.append(BusyTime(calendar=calendar, host=host, start=start, end=end))
    BusyTime.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def measure(run, repeat):
    """Timings of ``repeat`` runs, and the queries of one more, counted apart: capturing
    queries makes Django format every statement, which is not what a listing costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    analyze()
    run()
    # As a deployed worker does (docs/deployment.md): what is loaded by now is frozen out
    # of the collector's full collections, which would otherwise walk it all mid-listing.
    gc.freeze()
    timings = []
    for _ in range(repeat):
        started = clock.perf_counter()
        days = run()
        timings.append((clock.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        run()
    return days, timings, len(queries)


def analyze():
    """Give PostgreSQL the statistics autovacuum keeps on a live site: right after a bulk
    load it has none, and plans the co-host join as if every table were empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main():
    args, teardown = setup(__doc__)
    try:
        from django.db import connection
        from django.test import override_settings

        from wagtail_pmc_booking import availability, slot_cache

        now = datetime.now(UTC)
        meeting = build(now)
        first, last = now.date(), (now + timedelta(days=DAYS - 1)).date()

        def run():
            return availability.list_slots(
                meeting, start_date=first, end_date=last, tz="America/New_York", duration=30
            )

        print(f"database: {connection.vendor}")
        print(f"hosts={HOSTS} days={DAYS} bookings={BOOKINGS} out_of_office={OUT_OF_OFFICE}")
        cold = override_settings(WAGTAIL_PMC_BOOKING={"SLOTS_CACHE_SECONDS": 0})
        with cold:
            days, timings, queries = measure(run, args.repeat)
        slots = sum(len(v) for v in days.values())
        print(f"slots listed: {slots} over {len(days)} days")
        print("computed (slot cache off), without calendars:")
        print(f"  median: {statistics.median(timings):.1f} ms")
        print(f"  p95:    {percentile(timings, 0.95):.1f} ms")
        print(f"  queries per listing: {queries}")
        _, cached, cached_queries = measure(run, args.repeat)
        print("repeated within the minute (slot cache on, locmem):")
        print(f"  median: {statistics.median(cached):.2f} ms  queries: {cached_queries}")

        busy = add_calendars(meeting, now)
        with cold:
            days, with_calendars, calendar_queries = measure(run, args.repeat)
        slots = sum(len(v) for v in days.values())
        print(f"with calendars ({HOSTS} x {BUSY_PER_CALENDAR} = {busy} busy times):")
        print(f"  slots listed: {slots}")
        print(f"  median: {statistics.median(with_calendars):.1f} ms")
        print(f"  p95:    {percentile(with_calendars, 0.95):.1f} ms")
        print(f"  queries per listing: {calendar_queries}")
        extra = statistics.median(with_calendars) / statistics.median(timings) - 1
        print(f"calendars add {calendar_queries - queries} query, {extra:+.1%} to the cold median")

        def after_a_change():
            slot_cache.invalidate()  # a booking or sync happened: busy rows are read again
            return run()

        with cold:
            _, first, first_queries = measure(after_a_change, args.repeat)
        miss = statistics.median(first) / statistics.median(timings) - 1
        print("first listing after a change (busy times read from the database):")
        print(f"  median: {statistics.median(first):.1f} ms ({miss:+.1%})")
        print(f"  queries per listing: {first_queries} ({first_queries - queries:+d})")
    finally:
        teardown()


def build_spread(now, hosts, bookings):
    """``hosts`` hosts open 07:00–19:00 on weekdays, ``bookings`` half-hour bookings
    spread over the coming year without overlaps (most outside any range listed)."""
    from tests import factories
    from wagtail_pmc_booking.models import Booking

    made = [
        factories.make_host(
            windows={day: [(time(7), time(19))] for day in range(5)},
            timezone=ZONES[n % len(ZONES)],
            buffer_before_minutes=0,
            buffer_after_minutes=0,
        )
        for n in range(hosts)
    ]
    meeting = factories.make_meeting_type(hosts=made, assignment="round_robin")
    origin = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    per_host, rows = bookings // hosts, []
    for host in made:
        for k in range(per_host):
            start = origin + timedelta(minutes=30 * ((k * 7919) % (365 * 48)))
            rows.append(factories.booking_row(meeting, host, start, buffers=(0, 0)))
    Booking.objects.bulk_create(rows, batch_size=2000)
    return meeting


def grid(repeat):
    from django.db import transaction
    from django.test import override_settings

    from wagtail_pmc_booking import availability

    class Rollback(Exception):
        pass

    now = datetime.now(UTC)
    print("cold median (ms) of one listing; rows: hosts × days, columns: bookings")
    print(f"{'hosts':>5} {'days':>4} {'1k':>8} {'5k':>8} {'50k':>8}")
    peak = None
    with override_settings(WAGTAIL_PMC_BOOKING={"SLOTS_CACHE_SECONDS": 0}):
        for hosts in (5, 25, 100):
            medians: dict[int, list[float]] = {7: [], 31: [], 62: []}
            for bookings in (1000, 5000, 50000):
                try:
                    with transaction.atomic():
                        meeting = build_spread(now, hosts, bookings)
                        for days in medians:
                            first, last = now.date(), (now + timedelta(days=days - 1)).date()

                            def run(first=first, last=last, meeting=meeting):
                                return availability.list_slots(
                                    meeting, start_date=first, end_date=last, tz="UTC", duration=30
                                )

                            _, timings, _ = measure(run, repeat)
                            medians[days].append(statistics.median(timings))
                            if hosts == 100 and days == 62 and bookings == 50000:
                                tracemalloc.start()
                                run()
                                peak = tracemalloc.get_traced_memory()[1]
                                tracemalloc.stop()
                        raise Rollback
                except Rollback:
                    pass
            for days, row in medians.items():
                print(f"{hosts:>5} {days:>4} " + " ".join(f"{m:>8.1f}" for m in row))
    if peak is not None:
        print(f"peak memory of one 100-host, 62-day listing (50k bookings): {peak / 2**20:.1f} MB")


if __name__ == "__main__":
    if "--grid" in sys.argv:
        args, teardown = setup(__doc__, flags=("--grid",))
        try:
            grid(min(args.repeat, 5))
        finally:
            teardown()
    else:
        main()
