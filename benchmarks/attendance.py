"""What Zoom's attendance events cost: per signed event through the real endpoint, and
the sweep over many overdue meetings.

Run: ``.venv/bin/python benchmarks/attendance.py [--database-url postgres://…] [--repeat 30]``.

Makes ``--repeat`` past bookings with a (loopback-free, never called) Zoom meeting each,
then posts to ``POST /v1/integrations/zoom/webhook`` through Django's test client, signed
as Zoom signs: a host join, a guest join, a replay of it, and ``meeting.ended`` (the
verdict, its audit line and one webhook delivery written, not sent). Prints the median
time and queries of each kind, then the time of one sweep deciding ``--repeat`` silent
meetings.
"""

import json
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta

from _django import setup

ALL_WEEK = {day: [(time(0), time(23, 45))] for day in range(7)}
SECRET = "benchmark-zoom-secret"


def run(repeat):
    from django.conf import settings as django_settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY

    from tests import factories
    from wagtail_pmc_booking.models import WebhookEndpoint, ZoomMeeting
    from wagtail_pmc_booking.zoom import attendance, webhooks

    HUEY.immediate = False  # webhook deliveries are written, not sent
    settings = {
        **django_settings.WAGTAIL_PMC_BOOKING,
        "ZOOM_WEBHOOK_SECRET": SECRET,
        "API_RATE_LIMIT_PUBLIC": None,  # one client IP posts every event
    }
    client = Client()
    host = factories.make_host(windows=ALL_WEEK, buffer_before_minutes=0, buffer_after_minutes=0)
    meeting_type = factories.make_meeting_type(hosts=[host], zoom_enabled=False)
    WebhookEndpoint.objects.create(url="https://crm.example.com/hooks")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)

    def booking_with_meeting(n, offset):
        booking = factories.make_booking_row(meeting_type, host, start + timedelta(minutes=30 * n))
        ZoomMeeting.objects.create(
            booking=booking, state="synced", zoom_meeting_id=offset + n, zoom_user=host.email
        )
        return booking

    def post(name, meeting_id, **fields):
        body = json.dumps(
            {"event": name, "payload": {"object": {"id": meeting_id, "host_id": "h", **fields}}}
        ).encode()
        sent = str(int(clock.time()))
        with CaptureQueriesContext(connection) as captured:
            begin = clock.perf_counter()
            response = client.post(
                "/v1/integrations/zoom/webhook",
                body,
                content_type="application/json",
                HTTP_X_ZM_REQUEST_TIMESTAMP=sent,
                HTTP_X_ZM_SIGNATURE=webhooks.sign(SECRET, sent, body),
            )
            ms = (clock.perf_counter() - begin) * 1000
        assert response.status_code == 200, response.content
        return ms, len(captured)

    with override_settings(WAGTAIL_PMC_BOOKING=settings):
        bookings = [booking_with_meeting(n, 10**9) for n in range(repeat)]
        kinds = {"host joins": [], "guest joins": [], "replayed join": [], "meeting.ended": []}
        for booking in bookings:
            mid = booking.meeting.zoom_meeting_id
            joined = f"{booking.start:%Y-%m-%dT%H:%M:%SZ}"
            host_in = {"id": "h", "user_name": "Host", "join_time": joined}
            guest = {"participant_uuid": "g", "user_name": "Guest", "join_time": joined}
            ended = f"{booking.end:%Y-%m-%dT%H:%M:%SZ}"
            kinds["host joins"].append(
                post(attendance.PARTICIPANT_JOINED, mid, participant=host_in)
            )
            kinds["guest joins"].append(post(attendance.PARTICIPANT_JOINED, mid, participant=guest))
            kinds["replayed join"].append(
                post(attendance.PARTICIPANT_JOINED, mid, participant=guest)
            )
            kinds["meeting.ended"].append(post(attendance.MEETING_ENDED, mid, end_time=ended))
        for kind, samples in kinds.items():
            ms = statistics.median(s[0] for s in samples)
            queries = statistics.median(s[1] for s in samples)
            print(f"{kind}: {ms:.2f} ms, {queries:g} queries per event (whole request)")

        silent = [booking_with_meeting(n, 2 * 10**9) for n in range(repeat, 2 * repeat)]
        late = max(b.end for b in silent) + timedelta(hours=1)
        with CaptureQueriesContext(connection) as captured:
            begin = clock.perf_counter()
            counts = attendance.decide_overdue(late)
            seconds = clock.perf_counter() - begin
        print(
            f"sweep: {counts['no_show']} silent meetings decided in {seconds * 1000:.0f} ms "
            f"({seconds * 1000 / max(1, counts['no_show']):.2f} ms, "
            f"{len(captured) / max(1, counts['no_show']):.1f} queries each)"
        )


if __name__ == "__main__":
    args, teardown = setup(__doc__.splitlines()[0])
    try:
        run(args.repeat)
    finally:
        teardown()
