"""Load the REST API the way production runs it: gunicorn on PostgreSQL + Redis.

Run: ``.venv/bin/python benchmarks/api.py [--database-url postgres://postgres@127.0.0.1:5432/x]``
It creates (and drops) the database ``pmc_bench_api``, loads the demo (3 hosts, round
robin), starts gunicorn (``--workers``, default 2 per core as docs/deployment.md advises)
with ``example_site.settings.production`` on a loopback port and
measures ``GET /v1/slots`` (30 days) warm (the slot cache answers) and cold (gunicorn
restarted with ``SLOTS_CACHE_SECONDS=0``: every listing computed), and ``POST
/v1/bookings``, at each of ``--clients`` (default 1 and 16; ``1,4,8,16`` shows how p95
grows with concurrency); prints req/s and p50/p95/p99 of each. Every request
goes to 127.0.0.1 only; the loops are bounded in count.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

from _cpu import cores_busy
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


async def _send(url, body):
    """``(milliseconds, status, body)`` of one HTTP/1.1 request on its own connection, as
    gunicorn's sync workers answer (they close it); 599 when the connection fails."""
    parts = urlsplit(url)
    data = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{'POST' if body is not None else 'GET'} {parts.path}?{parts.query} HTTP/1.1\r\n"
        f"Host: {parts.hostname}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(head.encode() + data)
        answer = await asyncio.wait_for(reader.read(), timeout=30)
        writer.close()
    except (OSError, TimeoutError):
        return (time.perf_counter() - started) * 1000, 599, b""
    ms = (time.perf_counter() - started) * 1000
    status_line, _, rest = answer.partition(b"\r\n")
    return ms, int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def _clients(calls, clients):
    """``clients`` concurrent clients taking the next call as soon as they are free."""
    todo = iter(enumerate(calls))
    results = [None] * len(calls)

    async def client():
        for index, (url, body) in todo:
            results[index] = await _send(url, body)

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def run_load(label, calls, clients):
    """Send the prepared ``calls`` (``(url, JSON body or None)``) from ``clients``
    concurrent clients. One asyncio loop drives them all: it spends a fraction of a
    millisecond per request, so on a small machine the server keeps the cores (client
    processes or threads would take CPU from it and queue on their own lock). Cores busy
    near all of them: the run was CPU-bound, and its p50 is about clients ÷ req/s."""
    with cores_busy() as busy:
        started = time.perf_counter()
        results = asyncio.run(_clients(calls, clients))
        elapsed = time.perf_counter() - started
    latencies = [ms for ms, _, _ in results]
    statuses = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(
        f"{label:<34} clients={clients:<3} n={len(calls):<4} {len(calls) / elapsed:7.1f} req/s"
        f"  p50={statistics.median(latencies):6.1f} ms  p95={percentile(latencies, 0.95):6.1f} ms"
        f"  p99={percentile(latencies, 0.99):6.1f} ms  cores busy {busy}  statuses={statuses}"
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
    parser.add_argument("--clients", default="1,16", help="comma-separated client counts")
    args = parser.parse_args()
    clients = [int(count) for count in args.clients.split(",")]
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
            free = measure_slots(base, args.requests, "warm", clients)
            stop(server)
            server = serve({**env, "SLOTS_CACHE_SECONDS": "0"}, port, args.workers)
            measure_slots(base, args.requests, "cold", clients)
            measure_bookings(base, args.requests, free, clients)
        finally:
            if server is not None:
                stop(server)


def serve(env, port, workers):
    server = gunicorn(port, env, workers=workers)
    wait_until_up(f"http://127.0.0.1:{port}/v1/openapi.json", server)
    return server


def measure_slots(base, requests, label, clients):
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
    for count in clients:
        calls = [(slots_url, None)] * requests
        run_load(f"GET /v1/slots (30 days, 3 hosts) {label}", calls, count)
    return free


def measure_bookings(base, requests, free, clients):
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

    # Every third slot, so buffers of one booking rarely reach the next; each client
    # count books a share of them of its own.
    spaced = free[::3]
    share = min(requests // 2, len(spaced) // len(clients))
    for run, count in enumerate(clients):
        starts = spaced[run * share : (run + 1) * share]
        calls = [booking(start, run * share + n) for n, start in enumerate(starts)]
        run_load("POST /v1/bookings (distinct slots)", calls, count)


if __name__ == "__main__":
    main()
