"""Load the REST API the way production runs it: gunicorn on PostgreSQL + Redis.

Run: ``.venv/bin/python benchmarks/api.py [--database-url postgres://postgres@127.0.0.1:5432/x]``
It creates (and drops) the database ``pmc_bench_api``, loads the demo (3 hosts, round
robin), starts gunicorn (``--workers``, default 2 per core as docs/deployment.md advises)
with ``example_site.settings.production`` on a loopback port and
measures ``GET /v1/slots`` (30 days) warm (the slot cache answers) and cold (gunicorn
restarted with ``SLOTS_CACHE_SECONDS=0``: every listing computed), and ``POST
/v1/bookings``, at 1 and 16 clients; prints req/s and p50/p95/p99 of each. Every request
goes to 127.0.0.1 only; the loops are bounded in count.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from _django import percentile
from _live import (
    MANAGE,
    free_port,
    gunicorn,
    production_env,
    request,
    stop,
    throwaway_database,
    wait_until_up,
)


def _call(call):
    url, body = call
    return request(url, body)


def run_load(label, calls, clients):
    """Send the prepared ``calls`` (``(url, JSON body or None)``) from ``clients`` client
    processes, each with its own interpreter as real clients have: threads of one
    process would queue on its lock and add that wait to every latency."""
    with ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(time.sleep, [0] * clients))  # every process started before the clock
        started = time.perf_counter()
        results = list(pool.map(_call, calls))
        elapsed = time.perf_counter() - started
    latencies = [ms for ms, _, _ in results]
    statuses = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(
        f"{label:<34} clients={clients:<3} n={len(calls):<4} {len(calls) / elapsed:7.1f} req/s"
        f"  p50={statistics.median(latencies):6.1f} ms  p95={percentile(latencies, 0.95):6.1f} ms"
        f"  p99={percentile(latencies, 0.99):6.1f} ms  statuses={statuses}"
    )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="any database on the server; pmc_bench_api is created beside it",
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    port = free_port()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
    server = None
    print(f"gunicorn: {args.workers} sync workers on {os.cpu_count()} cores")
    with throwaway_database(args.database_url, "pmc_bench_api") as bench_url:
        env = production_env(bench_url, redis_url, "pmc-bench")
        subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*MANAGE, "pmc_booking_demo"], env=env, check=True, capture_output=True)
        base = f"http://127.0.0.1:{port}/v1"
        try:
            server = serve(env, port, args.workers)
            free = measure_slots(base, args.requests, "warm")
            stop(server)
            server = serve({**env, "SLOTS_CACHE_SECONDS": "0"}, port, args.workers)
            measure_slots(base, args.requests, "cold")
            measure_bookings(base, args.requests, free)
        finally:
            if server is not None:
                stop(server)


def serve(env, port, workers):
    server = gunicorn(port, env, workers=workers)
    wait_until_up(f"http://127.0.0.1:{port}/v1/openapi.json", server)
    return server


def measure_slots(base, requests, label):
    """The same 30-day listing ``requests`` times; its free starts."""
    first = date.today() + timedelta(days=1)
    last = first + timedelta(days=29)
    slots_url = (
        f"{base}/slots?meetingType=product-demo&start={first}&end={last}"
        "&timezone=America/New_York&duration=30"
    )
    ms, status, payload = request(slots_url)
    days = json.loads(payload)["slots"]
    free = [slot["start"] for day in days.values() for slot in day]
    print(f"warm-up: {status}, {len(free)} slots over {len(days)} days, {ms:.0f} ms")
    for clients in (1, 16):
        calls = [(slots_url, None)] * requests
        run_load(f"GET /v1/slots (30 days, 3 hosts) {label}", calls, clients)
    return free


def measure_bookings(base, requests, free):
    def booking(start, n):
        return (
            f"{base}/bookings",
            {
                "meetingType": "product-demo",
                "start": start,
                "duration": 30,
                "attendee": {
                    "name": f"Bench {n}",
                    "email": f"bench{n}@example.com",
                    "timezone": "America/New_York",
                },
            },
        )

    # Every third slot, so buffers of one booking rarely reach the next.
    spaced = free[::3]
    count = min(requests // 2, len(spaced) // 2)
    one = [booking(start, n) for n, start in enumerate(spaced[:count])]
    run_load("POST /v1/bookings (distinct slots)", one, 1)
    many = [booking(start, n) for n, start in enumerate(spaced[count : 2 * count])]
    run_load("POST /v1/bookings (distinct slots)", many, 16)


if __name__ == "__main__":
    main()
