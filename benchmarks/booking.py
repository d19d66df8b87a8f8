"""Bookings per second through ``booking.book()`` with 1 and 8 concurrent clients.

Run: ``.venv/bin/python benchmarks/booking.py [--database-url postgres://…]``.

Each client is a process with its own database connection, booking distinct slots of a
5-host round-robin pool that already holds 1,000 bookings (each time once per host).
Each client count runs ``--rounds`` times, in turn. Prints throughput, the
p50/p95 latency of one booking, the cores the run kept busy (clients and database
together: one client keeps at most one busy, so on N cores more clients can at best
multiply its throughput by N), the queries one booking takes, and the median ratio of
each count's throughput to the first's beside how far pure CPU work scales on the
machine at that moment (``_cpu.scaling_ceiling``). The after-commit work
(Zoom signal, email queueing) is left out: it runs in Huey, not in the booking
transaction. PostgreSQL: the database ``pmc_bench_booking`` is created and dropped
around the run; SQLite: a temporary file (a real file, so the locking is the real one).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _cpu import cores_busy, scaling_ceiling
from _django import percentile

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pmc_bench_booking"
HOSTS = 5
EXISTING_PER_HOST = 200
SLOT_MINUTES = 15


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--bookings", type=int, default=400, help="bookings per run")
    parser.add_argument("--clients", default="1,8", help="comma-separated client counts")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of every client count, taken in turn"
    )
    return parser.parse_args()


def prepare_database(url):
    """Point DATABASE_URL at a throwaway database; returns the function that drops it."""
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))

        def drop():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

        return drop
    directory = tempfile.TemporaryDirectory(prefix="pmc-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory.name}/bench.sqlite3"
    return directory.cleanup


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(now):
    """A round-robin pool open around the clock, with bookings already on its calendar."""
    from tests import factories
    from wagtail_pmc_booking.models import Booking

    every_day = {day: [(time(0), time(23, 45))] for day in range(7)}
    hosts = [
        factories.make_host(
            windows=every_day, timezone="UTC", buffer_before_minutes=0, buffer_after_minutes=0
        )
        for _ in range(HOSTS)
    ]
    meeting_type = factories.make_meeting_type(
        hosts=hosts,
        assignment="round_robin",
        durations=[SLOT_MINUTES, 30],
        default_duration=SLOT_MINUTES,
        minimum_notice_minutes=0,
        booking_horizon_days=366,
    )
    # Existing bookings on the days before the benchmark's own (which start in 30 days).
    existing = []
    for host in hosts:
        for k in range(EXISTING_PER_HOST):
            start = now + timedelta(days=1 + k // 10, hours=k % 10)
            existing.append(
                factories.booking_row(
                    meeting_type,
                    host,
                    start,
                    duration=SLOT_MINUTES,
                    buffers=(0, 0),
                    attendee_name="Existing",
                    manage_token_hash=f"existing-{host.pk}-{k}",
                )
            )
    Booking.objects.bulk_create(existing, batch_size=500)
    return meeting_type


class Starts:
    """Slot starts handed out to clients; each start is free for every host of the pool,
    so it is handed out once per host (the clients race for the hosts of one time)."""

    def __init__(self, first):
        self.next = first
        self.uses = 0

    def take(self):
        start = self.next
        self.uses += 1
        if self.uses == HOSTS:
            self.uses = 0
            self.next += timedelta(minutes=SLOT_MINUTES)
            if self.next.time() >= time(23, 45):
                self.next = self.next.replace(hour=0, minute=0) + timedelta(days=1)
        return start


# What a client process needs, set before it is forked.
_job = {}


def _client(index):
    """One client process: its own database connection, its share of the starts."""
    from django.db import connection

    from wagtail_pmc_booking import booking as booking_service
    from wagtail_pmc_booking.exceptions import BookingBusy, SlotUnavailable
    from wagtail_pmc_booking.models import MeetingType

    meeting_type = MeetingType.objects.get(pk=_job["meeting_type"])
    latencies, outcomes = [], {"booked": 0, "refused": 0, "busy": 0}
    _job["barrier"].wait()
    try:
        for n, start in enumerate(_job["starts"][index :: _job["clients"]]):
            started = clock.perf_counter()
            try:
                booking_service.book(
                    meeting_type,
                    start=start,
                    attendee_name=f"Client {index}",
                    attendee_email=f"client{index}-{n}@example.com",
                    attendee_timezone="Europe/Berlin",
                    now=_job["now"],
                )
                outcome = "booked"
            except SlotUnavailable:
                outcome = "refused"
            except BookingBusy:
                outcome = "busy"
            latencies.append((clock.perf_counter() - started) * 1000)
            outcomes[outcome] += 1
    finally:
        connection.close()
    return clock.perf_counter(), latencies, outcomes


def run(meeting_type, starts, clients, total, now):
    """``total`` bookings by ``clients`` processes (as gunicorn's workers are: no shared
    interpreter lock between them); returns (seconds, latencies, outcomes, cores busy)."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    _job.update(
        meeting_type=meeting_type.pk,
        starts=[starts.take() for _ in range(total)],
        clients=clients,
        now=now,
        barrier=context.Barrier(clients + 1),
    )
    connections.close_all()  # a forked child must open its own connection
    with context.Pool(clients) as workers, cores_busy() as busy:
        pending = workers.map_async(_client, range(clients))
        _job["barrier"].wait()
        started = clock.perf_counter()
        results = pending.get(timeout=600)
    latencies, outcomes = [], {"booked": 0, "refused": 0, "busy": 0}
    for _finished, client_latencies, client_outcomes in results:
        latencies += client_latencies
        for outcome, count in client_outcomes.items():
            outcomes[outcome] += count
    return max(finished for finished, *_ in results) - started, latencies, outcomes, busy


def queries_per_booking(meeting_type, starts, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_pmc_booking import booking as booking_service

    with CaptureQueriesContext(connection) as queries:
        booking_service.book(
            meeting_type,
            start=starts.take(),
            attendee_name="Counted",
            attendee_email="counted@example.com",
            attendee_timezone="Europe/Berlin",
            now=now,
        )
    statements = [q["sql"] for q in queries.captured_queries]
    return len(statements), sum(1 for s in statements if s.upper().startswith(("BEGIN", "COMMIT")))


def main():
    args = parse_args()
    drop = prepare_database(args.database_url)
    try:
        setup_django()
        from django.db import connection

        from wagtail_pmc_booking import booking as booking_service

        # The after-commit work runs in Huey in production; only the write path is timed.
        booking_service.announce = lambda booking_pk, change: None
        now = datetime.now(UTC)
        meeting_type = build(now)
        first = (now + timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
        starts = Starts(first)
        run(meeting_type, starts, 1, 20, now)  # warm up caches and connections

        counts = [int(c) for c in args.clients.split(",")]
        # In turn, so a machine whose speed drifts (a shared VM) slows every count alike;
        # each round also measures how far pure CPU work scales right then.
        rows, ceilings = [], []
        for _round in range(args.rounds):
            for clients in counts:
                rows.append((clients, *run(meeting_type, starts, clients, args.bookings, now)))
            ceilings.append({clients: scaling_ceiling(clients) for clients in counts[1:]})
        queries, transaction_statements = queries_per_booking(meeting_type, starts, now)
        vendor = connection.vendor
        connection.close()
    finally:
        drop()

    print(f"database: {vendor}; pool: {HOSTS} hosts round robin, {HOSTS * EXISTING_PER_HOST} ")
    print("existing bookings; after-commit work (Zoom signal, email queueing) not included")
    header = f"{'clients':>7} {'bookings':>8} {'refused':>7} {'busy':>4} {'seconds':>7}"
    print(f"{header} {'bookings/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  cores busy")
    for clients, seconds, latencies, outcomes, busy in rows:
        print(
            f"{clients:>7} {outcomes['booked']:>8} {outcomes['refused']:>7} {outcomes['busy']:>4}"
            f" {seconds:>7.2f} {outcomes['booked'] / seconds:>10.1f}"
            f" {statistics.median(latencies):>7.1f} {percentile(latencies, 0.95):>7.1f}"
            f" {max(latencies):>7.1f}  {busy}"
        )
    print(
        f"queries per booking: {queries - transaction_statements}"
        f" (+{transaction_statements} BEGIN/COMMIT)"
    )
    base = counts[0]
    rates = [outcomes["booked"] / seconds for _c, seconds, _l, outcomes, _b in rows]
    for column, clients in enumerate(counts[1:], start=1):
        ratios = [rates[at + column] / rates[at] for at in range(0, len(rows), len(counts))]
        ceiling = [by_count[clients] for by_count in ceilings]
        print(
            f"{clients} clients: {statistics.median(ratios):.2f}x {base} client's throughput"
            f" (median of {len(ratios)} round(s), {min(ratios):.2f}–{max(ratios):.2f}); pure CPU"
            f" work in {clients} processes: {statistics.median(ceiling):.2f}x one"
            " (this machine's ceiling)"
        )


if __name__ == "__main__":
    main()
