"""Time listing 60 days of round-robin slots for 25 hosts with 5,000 bookings.

Run: ``.venv/bin/python benchmarks/slots.py [--database-url postgres://…]``.
Prints the median and p95 of the whole read (queries + rules) and its query count.
"""

import random
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta

from _django import percentile, setup

ZONES = ["Asia/Kolkata", "Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney"]
HOSTS, DAYS, BOOKINGS, OUT_OF_OFFICE = 25, 60, 5000, 200


def build(now):
    from tests import factories
    from wagtail_pmc_booking.models import Booking, OutOfOffice
    from wagtail_pmc_booking.scheduling import blocked_range

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
            blocked = blocked_range(
                start, 30, host.buffer_before_minutes, host.buffer_after_minutes
            )
            bookings.append(
                Booking(
                    meeting_type=meeting,
                    host=host,
                    start=start,
                    end=start + timedelta(minutes=30),
                    duration_minutes=30,
                    attendee_name="Bench",
                    attendee_email="bench@example.com",
                    blocked_start=blocked.start,
                    blocked_end=blocked.end,
                )
            )
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


def main():
    args, teardown = setup(__doc__)
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from wagtail_pmc_booking import availability

        now = datetime.now(UTC)
        meeting = build(now)
        first, last = now.date(), (now + timedelta(days=DAYS - 1)).date()

        def run():
            return availability.list_slots(
                meeting, start_date=first, end_date=last, tz="America/New_York", duration=30
            )

        run()
        timings = []
        for _ in range(args.repeat):
            started = clock.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                days = run()
            timings.append((clock.perf_counter() - started) * 1000)
        slots = sum(len(v) for v in days.values())
        print(f"database: {connection.vendor}")
        print(f"hosts={HOSTS} days={DAYS} bookings={BOOKINGS} out_of_office={OUT_OF_OFFICE}")
        print(f"slots listed: {slots} over {len(days)} days")
        print(f"median: {statistics.median(timings):.1f} ms")
        print(f"p95:    {percentile(timings, 0.95):.1f} ms")
        print(f"queries per listing: {len(queries)}")
    finally:
        teardown()


if __name__ == "__main__":
    main()
