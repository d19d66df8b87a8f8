"""Load the REST API the way production runs it: gunicorn (2 workers) on PostgreSQL.

Run: ``.venv/bin/python benchmarks/api.py [--database-url postgres://postgres@127.0.0.1:5432/x]``
It creates (and drops) the database ``pmc_bench_api``, loads the demo (3 hosts, round
robin), starts gunicorn with ``example_site.settings.production`` on a loopback port and
measures ``GET /v1/slots`` (30 days) and ``POST /v1/bookings`` at 1 and 16 clients.
Every request goes to 127.0.0.1 only; the loops are bounded in count.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from _django import percentile

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(admin_url, sql):
    subprocess.run(["psql", admin_url, "-q", "-c", sql], check=True, capture_output=True)


def request(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            payload, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        payload, status = error.read(), error.code
    return (time.perf_counter() - started) * 1000, status, payload


def run_load(label, calls, clients):
    """Run the prepared ``calls`` (zero-argument functions) on ``clients`` threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda call: call(), calls))
    elapsed = time.perf_counter() - started
    latencies = [ms for ms, _, _ in results]
    statuses = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(
        f"{label:<34} clients={clients:<3} n={len(calls):<4} {len(calls) / elapsed:7.1f} req/s"
        f"  p50={statistics.median(latencies):6.1f} ms  p95={percentile(latencies, 0.95):6.1f} ms"
        f"  statuses={statuses}"
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
    args = parser.parse_args()
    admin_url = args.database_url
    bench_url = admin_url.rsplit("/", 1)[0] + "/pmc_bench_api"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": bench_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "HUEY_NAME": "pmc-bench",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "API_RATE_LIMIT_PUBLIC": "1000000/minute",
        "API_RATE_LIMIT_KEY": "1000000/minute",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    psql(admin_url, "DROP DATABASE IF EXISTS pmc_bench_api")
    psql(admin_url, "CREATE DATABASE pmc_bench_api")
    manage = [sys.executable, str(ROOT / "example_site" / "manage.py")]
    server = None
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "pmc_booking_demo"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "example_site.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}/v1"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/openapi.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")

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
            calls = [lambda: request(slots_url)] * args.requests
            run_load("GET /v1/slots (30 days, 3 hosts)", calls, clients)

        def booking(start, n):
            return lambda: request(
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
        count = min(args.requests // 2, len(spaced) // 2)
        one = [booking(start, n) for n, start in enumerate(spaced[:count])]
        run_load("POST /v1/bookings (distinct slots)", one, 1)
        many = [booking(start, n) for n, start in enumerate(spaced[count : 2 * count])]
        run_load("POST /v1/bookings (distinct slots)", many, 16)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        psql(admin_url, "DROP DATABASE IF EXISTS pmc_bench_api")


if __name__ == "__main__":
    main()
