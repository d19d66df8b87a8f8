"""Scale-out check (issue 15): two gunicorn processes and two Huey consumers on one
PostgreSQL database and one Redis, bookings from 16 clients while the fake Zoom flaps.

Run: ``.venv/bin/python benchmarks/scaleout.py --database-url
postgres://postgres@127.0.0.1:5432/postgres --redis-url redis://127.0.0.1:6379/7``

It creates (and drops) the database ``pmc_scaleout`` and flushes the Redis db it is given
(at start and end; db 0 is refused, the suite's). The fake Zoom (``tests/zoom_fake``) and
the webhook receiver (``tests/webhook_fake``) run in this process on loopback; meeting
creates fail every few requests with a 500, a hang past the client timeout, or a lost
answer after the meeting was made. Every distinct slot must be booked (201), each raced
copy must get 409, nothing may answer 5xx. Once the queues are idle it checks: no host
has overlapping confirmed bookings, the fake holds exactly one meeting per booking, each
booking sent exactly its emails, and the receiver got every webhook event once.
Exits 1 naming what failed. Bounded: fixed counts, a deadline on every wait, and every
child process stopped (its whole process group) on the way out.
"""

import argparse
import email
import email.header
import email.message
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import date, datetime, timedelta
from email.utils import getaddresses
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import django
import redis
from _django import percentile
from _live import (
    MANAGE,
    ROOT,
    free_port,
    gunicorn,
    production_env,
    request,
    start,
    stop,
    throwaway_database,
    wait_until_up,
)
from django.core.management import call_command
from django.db import connection, connections
from huey.storage import RedisStorage

sys.path.insert(0, str(ROOT))

from tests.webhook_fake.receiver import WebhookReceiver  # noqa: E402
from tests.zoom_fake.server import FakeZoom  # noqa: E402

DATABASE = "pmc_scaleout"
MEETING_TYPE = "product-demo"
DURATION = 30
ATTENDEE_DOMAIN = "scaleout.example.com"
# Meeting creates (the only POSTs to Zoom) that fail, each kind on every n-th create the
# kinds before it let through: about 40% of all creates, retries included.
FLAPS = [
    ("500", 4, {}),
    ("timeout", 6, {"seconds": 2.0}),
    ("lost_response", 8, {"mode": "hang", "seconds": 2.0}),
]
# The client gives up on Zoom after this long; the fake's hangs outlast it.
ZOOM_TIMEOUT_SECONDS = 1.0
# The whole booking load must be answered within this (each POST within 30 s).
LOAD_SECONDS = 150


class Failed(Exception):
    """A check did not hold; the message says which and by how much."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help=f"any database on the server; {DATABASE} is created beside it",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--bookings", type=int, default=300, help="distinct slots booked")
    parser.add_argument("--races", type=int, default=24, help="slots also raced by a copy")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--settle-seconds", type=float, default=120.0)
    args = parser.parse_args()
    if urlsplit(args.redis_url).path.strip("/") in ("", "0"):
        parser.error("--redis-url must name a Redis db of this check's own, not db 0")
    return args


def main() -> int:
    args = parse_args()
    # A CI timeout's SIGTERM unwinds like an error: the finally blocks stop every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.stdout.reconfigure(line_buffering=True)  # CI shows each step as it happens
    store = redis.Redis.from_url(args.redis_url, socket_timeout=10)
    store.flushdb()
    processes = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="pmc-scaleout-") as folder,
            throwaway_database(args.database_url, DATABASE) as database_url,
            FakeZoom() as zoom,
            WebhookReceiver() as receiver,
        ):
            try:
                run(args, Path(folder), database_url, zoom, receiver, processes)
            except BaseException:
                print_log_tails(Path(folder))
                raise
            finally:
                for process in processes:
                    stop(process)
                connections.close_all()
    except Failed as failure:
        print(f"FAILED: {failure}")
        return 1
    finally:
        store.flushdb()
    print("scale-out check passed")
    return 0


def print_log_tails(folder: Path, lines: int = 15) -> None:
    """The servers' and consumers' last words, before their folder is removed."""
    for log in sorted(folder.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        print(f"-- {log.name} (last {len(tail)} lines)", *tail, sep="\n")


def run(args, folder, database_url, zoom, receiver, processes) -> None:
    mail = folder / "mail"
    mail.mkdir()
    ports = [free_port(), free_port()]
    env = production_env(
        database_url,
        args.redis_url,
        f"pmc-scaleout-{os.getpid()}",
        LOG_LEVEL="WARNING",
        BASE_URL=f"http://127.0.0.1:{ports[0]}",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
        ZOOM_ACCOUNT_ID=zoom.account_id,
        ZOOM_CLIENT_ID=zoom.client_id,
        ZOOM_CLIENT_SECRET=zoom.client_secret,
        ZOOM_API_BASE_URL=zoom.base_url,
        ZOOM_OAUTH_TOKEN_URL=zoom.token_url,
        ZOOM_TIMEOUT=str(ZOOM_TIMEOUT_SECONDS),
        ZOOM_RETRY_BASE_SECONDS="1",
        ALLOW_PRIVATE_URLS="1",
        HUEY_WORKERS="2",
    )
    key = set_up_site(env, receiver)
    servers = [
        gunicorn(port, env, workers=2, log=folder / f"gunicorn-{n}.log")
        for n, port in enumerate(ports)
    ]
    processes.extend(servers)
    for n in range(2):
        # One consumer schedules the periodic tasks, as docs/deployment.md says to run them.
        consumer_env = {**env, "HUEY_PERIODIC": "1" if n == 0 else "0"}
        processes.append(
            start([*MANAGE, "run_huey", "--quiet"], consumer_env, folder / f"huey-{n}.log")
        )
    for port, process in zip(ports, servers, strict=True):
        wait_until_up(f"http://127.0.0.1:{port}/v1/openapi.json", process)
    bases = [f"http://127.0.0.1:{port}/v1" for port in ports]
    headers = {"Authorization": f"Bearer {key}"}

    targets = free_targets(bases[0], args.bookings)
    for kind, every, options in FLAPS:
        zoom.set_fault(kind, method="POST", every=every, **options)
    calls = plan_calls(targets, args.races)
    print(
        f"== {len(calls)} POST /v1/bookings from {args.clients} clients over 2 gunicorn "
        f"processes: {len(targets)} distinct slots, {args.races} of them raced by a copy"
    )
    results = book(calls, bases, headers, args.clients)
    booked = check_answers(calls, results)

    settled = settle(args.settle_seconds, env, booked)
    problems = []
    for check in (check_overlaps, check_zoom, check_emails, check_webhooks):
        try:
            check(booked=booked, zoom=zoom, mail=mail, receiver=receiver)
        except Failed as failure:
            problems.append(str(failure))
    print(
        f"settled in {settled:.1f} s; Zoom: {len(zoom.calls_to('POST'))} creates sent, "
        f"failed on purpose: {dict(zoom.injected)}, {len(zoom.meetings)} meetings"
    )
    if problems:
        raise Failed("; ".join(problems))


def set_up_site(env: dict, receiver: WebhookReceiver) -> str:
    """Migrate, load the demo, register the receiver for every event; a live API key.

    Done in this process, on the production settings the servers use (the fake Zoom and
    the receiver are already listening, their addresses are in ``env``). The app's
    modules are imported in the functions that use them: only after ``django.setup()``.
    """
    os.environ.update(env)
    django.setup()
    from wagtail_pmc_booking.models import WebhookEndpoint

    call_command("migrate", verbosity=0)
    call_command("pmc_booking_demo", stdout=StringIO())
    out = StringIO()
    call_command(
        "pmc_create_api_key",
        name="scale-out",
        scopes="bookings:read,bookings:write",
        stdout=out,
        stderr=StringIO(),
    )
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, description="scale-out check")
    receiver.secret = endpoint.secret
    return out.getvalue().strip()


def free_targets(base: str, count: int) -> list[tuple[str, str]]:
    """``count`` (host slug, start) pairs no two of which block each other.

    Per host, from its own slot list, each start at least one meeting plus the host's
    buffers after the last one taken; from three days on, so no reminder falls due.
    """
    from wagtail_pmc_booking.models import MeetingType

    meeting_type = MeetingType.objects.get(slug=MEETING_TYPE)
    first = date.today() + timedelta(days=3)
    last = first + timedelta(days=min(50, meeting_type.booking_horizon_days - 4))
    pairs = []
    for host in meeting_type.hosts.order_by("slug"):
        gap = timedelta(minutes=DURATION + host.buffer_before_minutes + host.buffer_after_minutes)
        _, status, payload = request(
            f"{base}/slots?meetingType={MEETING_TYPE}&host={host.slug}&start={first}"
            f"&end={last}&timezone=UTC&duration={DURATION}"
        )
        if status != 200:
            raise Failed(f"GET /v1/slots for {host.slug} answered {status}: {payload[:200]!r}")
        taken = None
        for day in json.loads(payload)["slots"].values():
            for slot in day:
                moment = datetime.fromisoformat(slot["start"])
                if taken is None or moment >= taken + gap:
                    pairs.append((host.slug, slot["start"]))
                    taken = moment
    if len(pairs) < count:
        raise Failed(f"only {len(pairs)} non-overlapping slots for {count} bookings")
    random.Random(15).shuffle(pairs)
    return pairs[:count]


def plan_calls(targets: list[tuple[str, str]], races: int) -> list[dict]:
    """One body per target; each raced target's copy right after it (other server)."""
    calls = []
    raced = set(range(0, len(targets), max(1, len(targets) // max(races, 1)))[:races])
    for n, (host, start_at) in enumerate(targets):
        copies = 2 if n in raced else 1
        for copy in range(copies):
            calls.append(
                {
                    "target": n,
                    "body": {
                        "meetingType": MEETING_TYPE,
                        "host": host,
                        "start": start_at,
                        "duration": DURATION,
                        "attendee": {
                            "name": f"Scale {n}-{copy}",
                            "email": f"scale-{n}-{copy}@{ATTENDEE_DOMAIN}",
                            "timezone": "Europe/London",
                            "language": "en",
                        },
                    },
                }
            )
    return calls


def book(calls: list[dict], bases: list[str], headers: dict, clients: int) -> list[tuple]:
    """The POSTs on ``clients`` threads, alternating between the servers; prints rates."""

    def post(numbered):
        n, call = numbered
        return request(f"{bases[n % 2]}/bookings", call["body"], headers, timeout=30)

    started = time.perf_counter()
    pool = ThreadPoolExecutor(clients)
    futures = [pool.submit(post, numbered) for numbered in enumerate(calls)]
    done, late = wait(futures, timeout=LOAD_SECONDS)
    pool.shutdown(wait=False, cancel_futures=True)
    if late:
        raise Failed(f"{len(late)} of {len(calls)} POSTs unanswered after {LOAD_SECONDS} s")
    results = [future.result() for future in futures]
    elapsed = time.perf_counter() - started
    latencies = [ms for ms, _, _ in results]
    statuses = Counter(status for _, status, _ in results)
    print(
        f"POST /v1/bookings: {len(calls) / elapsed:.1f} req/s over {elapsed:.1f} s; "
        f"p50={statistics.median(latencies):.0f} ms p95={percentile(latencies, 0.95):.0f} ms "
        f"p99={percentile(latencies, 0.99):.0f} ms; statuses={dict(sorted(statuses.items()))}"
    )
    return results


def check_answers(calls: list[dict], results: list[tuple]) -> dict[str, dict]:
    """No 5xx; each target booked exactly once, every other copy 409. The bookings by id."""
    server_errors = [(status, body[:200]) for _, status, body in results if status >= 500]
    if server_errors:
        raise Failed(f"{len(server_errors)} answers were 5xx, e.g. {server_errors[:3]}")
    wins = Counter()
    booked = {}
    unexpected = []
    for call, (_, status, body) in zip(calls, results, strict=True):
        if status == 201:
            answer = json.loads(body)
            wins[call["target"]] += 1
            booked[answer["bookingId"]] = {
                "email": call["body"]["attendee"]["email"],
                "inline_meeting": answer["meeting"]["status"] == "created",
            }
        elif status != 409:
            unexpected.append((status, body[:200]))
    if unexpected:
        raise Failed(f"{len(unexpected)} answers neither 201 nor 409, e.g. {unexpected[:3]}")
    targets = {call["target"] for call in calls}
    not_once = sorted(t for t in targets if wins[t] != 1)
    if not_once:
        raise Failed(f"{len(not_once)} slots were not booked exactly once: {not_once[:10]}")
    inline = sum(b["inline_meeting"] for b in booked.values())
    print(f"{len(booked)} bookings; {inline} got their Zoom meeting inside the request")
    return booked


def settle(seconds: float, env: dict, booked: dict) -> float:
    """Wait until every booking has its meeting, every delivery is sent, and the Huey
    queue and schedule stay empty for two polls; the seconds it took."""
    from wagtail_pmc_booking.models import WebhookDelivery, ZoomMeeting
    from wagtail_pmc_booking.models.webhooks import DeliveryStatus

    storage = RedisStorage(name=env["HUEY_NAME"], url=env["REDIS_URL"])
    started = time.monotonic()
    deadline = started + seconds
    idle_polls = 0
    state = ""
    while time.monotonic() < deadline:
        made = ZoomMeeting.objects.filter(
            booking__public_id__in=list(booked), zoom_meeting_id__isnull=False
        ).count()
        owed = WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).count()
        queued = storage.queue_size() + storage.schedule_size()
        state = f"{made}/{len(booked)} meetings, {owed} deliveries owed, {queued} tasks queued"
        done = made == len(booked) and owed == 0 and queued == 0
        idle_polls = idle_polls + 1 if done else 0
        if idle_polls >= 2:
            return time.monotonic() - started
        time.sleep(1.0)
    raise Failed(f"not settled after {seconds:.0f} s: {state}")


def check_overlaps(**_) -> None:
    """No two confirmed bookings of one host (as host or co-host) block the same time."""
    from wagtail_pmc_booking.models import Booking

    table = Booking._meta.db_table
    co_hosts = Booking.co_hosts.through._meta.db_table
    sql = f"""
        WITH held AS (
            SELECT id, host_id, blocked_start, blocked_end FROM {table}
            WHERE status = 'confirmed'
            UNION
            SELECT b.id, c.host_id, b.blocked_start, b.blocked_end
            FROM {table} b JOIN {co_hosts} c ON c.booking_id = b.id
            WHERE b.status = 'confirmed'
        )
        SELECT count(*) FROM held a JOIN held b
        ON a.host_id = b.host_id AND a.id < b.id
        AND a.blocked_start < b.blocked_end AND b.blocked_start < a.blocked_end
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        overlaps = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {table} WHERE status = 'confirmed'")
        confirmed = cursor.fetchone()[0]
    print(f"overlapping confirmed bookings: {overlaps} (of {confirmed} confirmed)")
    if overlaps:
        raise Failed(f"{overlaps} pairs of confirmed bookings overlap for one host")


def check_zoom(*, booked: dict, zoom: FakeZoom, **_) -> None:
    """The fake holds exactly one meeting per booking: the one the booking records."""
    from wagtail_pmc_booking.models import ZoomMeeting
    from wagtail_pmc_booking.zoom.wire import agenda_marker

    per_booking = Counter()
    ids = {}
    for meeting in list(zoom.meetings.values()):
        for public_id in booked:
            if meeting.get("agenda", "").startswith(agenda_marker(public_id)):
                per_booking[public_id] += 1
                ids[public_id] = meeting["id"]
                break
    recorded = dict(
        ZoomMeeting.objects.filter(booking__public_id__in=list(booked)).values_list(
            "booking__public_id", "zoom_meeting_id"
        )
    )
    wrong = [p for p in booked if per_booking[p] != 1 or recorded.get(p) != ids.get(p)]
    counts = Counter(per_booking[p] for p in booked)
    print(f"Zoom meetings per booking: {dict(sorted(counts.items()))}")
    if zoom.validation_errors or zoom.server_errors:
        seen = zoom.validation_errors + zoom.server_errors
        raise Failed(
            f"the fake Zoom saw {len(zoom.validation_errors)} invalid requests and "
            f"{len(zoom.server_errors)} crashes: {seen[:2]}"
        )
    if wrong or len(zoom.meetings) != len(booked):
        raise Failed(
            f"{len(wrong)} bookings without exactly one Zoom meeting (or recording another), "
            f"{len(zoom.meetings)} meetings for {len(booked)} bookings, e.g. {wrong[:5]}"
        )


def read_mail(mail: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (one file per connection, 79 dashes between)."""
    messages = []
    for path in sorted(mail.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(b"\n")))
    return messages


def check_emails(*, booked: dict, mail: Path, **_) -> None:
    """Per booking: the attendee's confirmation, the host's notice, and the attendee's
    "your Zoom link" email exactly when the meeting came after the booking's answer."""
    from wagtail_pmc_booking.models import Booking

    by_email = {b["email"]: public_id for public_id, b in booked.items()}
    hosts = dict(
        Booking.objects.filter(public_id__in=list(booked)).values_list("public_id", "host__email")
    )
    got = Counter()
    strays = 0
    for message in read_mail(mail):
        to = [a for _, a in getaddresses(message.get_all("To", []))]
        reply_to = [a for _, a in getaddresses(message.get_all("Reply-To", []))]
        if to and to[0] in by_email:
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            kind = "meeting_ready" if subject.startswith("Your Zoom link") else "created"
            got[(by_email[to[0]], "attendee", kind)] += 1
        elif reply_to and reply_to[0] in by_email:
            got[(by_email[reply_to[0]], to[0] if to else "?", "created")] += 1
        else:
            strays += 1
    expected = Counter()
    for public_id, booking in booked.items():
        expected[(public_id, "attendee", "created")] += 1
        expected[(public_id, hosts[public_id], "created")] += 1
        if not booking["inline_meeting"]:
            expected[(public_id, "attendee", "meeting_ready")] += 1
    missing, extra = expected - got, got - expected
    print(
        f"emails: {sum(got.values())} sent, {sum(expected.values())} expected, "
        f"{sum(missing.values())} missing, {sum(extra.values())} extra, {strays} strays"
    )
    if missing or extra or strays:
        raise Failed(
            f"emails not one set per booking: missing {list(missing)[:3]}, "
            f"extra {list(extra)[:3]}, {strays} to nobody booked"
        )


def check_webhooks(*, booked: dict, receiver: WebhookReceiver, **_) -> None:
    """Every event the outbox wrote reached the receiver once, signed: per booking one
    ``booking.created`` and one ``meeting.created``."""
    from wagtail_pmc_booking.models import WebhookDelivery

    written = dict(WebhookDelivery.objects.values_list("event_id", "event_type"))
    requests = list(receiver.requests)
    per_id = Counter(r.delivery_id for r in requests)
    unsigned = sum(not r.verified for r in requests)
    per_booking = Counter()
    for r in requests:
        body = r.json
        per_booking[(body["data"]["booking"]["bookingId"], body["type"])] += 1
    expected = Counter({(p, t): 1 for p in booked for t in ("booking.created", "meeting.created")})
    twice = [i for i, n in per_id.items() if n > 1]
    missing = set(written) - set(per_id)
    print(
        f"webhooks: {len(requests)} received, {len(per_id)} event ids, {len(written)} written, "
        f"{len(twice)} received twice or more, {len(missing)} never received, "
        f"{unsigned} badly signed"
    )
    if twice or missing or unsigned or set(per_id) - set(written):
        raise Failed(
            f"webhooks not once per event id: {len(twice)} repeated (e.g. {twice[:3]}), "
            f"{len(missing)} missing, {unsigned} badly signed"
        )
    if per_booking != expected:
        off = sorted(
            (set(per_booking) ^ set(expected)) | {k for k in per_booking if per_booking[k] != 1}
        )
        raise Failed(f"webhook events per booking are not one of each: {off[:5]}")


if __name__ == "__main__":
    sys.exit(main())
