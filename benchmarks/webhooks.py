"""The webhook outbox's cost per booking, and deliveries per second to a loopback receiver.

Run: ``.venv/bin/python benchmarks/webhooks.py [--database-url postgres://…] [--repeat 30]``.

Books ``--repeat`` bookings through ``booking.book()`` with the outbox disconnected, then
with 0, 1 and 5 active endpoints, and prints the median time and the queries of one
booking, and the extra over the baseline. Huey is not immediate, so the deliveries are
only written; then ``deliver_all_owed`` posts them all to a loopback receiver
(``tests/webhook_fake``) and the deliveries per second are printed. Loopback only.
"""

import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta

from _django import setup

ALL_WEEK = {day: [(time(0), time(23, 45))] for day in range(7)}
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "UTC",
}


def run(repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY

    from tests import factories
    from tests.webhook_fake.receiver import WebhookReceiver
    from wagtail_pmc_booking import booking, signals
    from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint
    from wagtail_pmc_booking.webhooks import deliver, receivers

    HUEY.immediate = False  # deliveries are written, not sent, while bookings are timed
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    host = factories.make_host(windows=ALL_WEEK, buffer_before_minutes=0, buffer_after_minutes=0)
    meeting_type = factories.make_meeting_type(
        hosts=[host], minimum_notice_minutes=0, zoom_enabled=False, booking_horizon_days=365
    )
    starts = (now + timedelta(minutes=15 * n) for n in range(10**6))

    def measure():
        times, queries = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                begin = clock.perf_counter()
                booking.book(meeting_type, start=next(starts), duration=15, **ATTENDEE)
                times.append((clock.perf_counter() - begin) * 1000)
            queries.append(len(captured))
        return statistics.median(times), statistics.median(queries)

    with WebhookReceiver() as receiver:
        signals.booking_event_recorded.disconnect(
            receivers.write_the_outbox, dispatch_uid="wagtail_pmc_booking.webhooks.outbox"
        )
        base_ms, base_queries = measure()
        signals.booking_event_recorded.connect(
            receivers.write_the_outbox, dispatch_uid="wagtail_pmc_booking.webhooks.outbox"
        )
        print(f"without the outbox: {base_ms:.2f} ms, {base_queries:g} queries per booking")
        made = 0
        for count in (0, 1, 5):
            while made < count:
                endpoint = WebhookEndpoint.objects.create(url=receiver.url)
                receiver.secret = endpoint.secret
                made += 1
            ms, queries = measure()
            print(
                f"{count} endpoint(s): {ms:.2f} ms (+{ms - base_ms:.2f}), "
                f"{queries:g} queries (+{queries - base_queries:g}) per booking"
            )
        owed = WebhookDelivery.objects.filter(status="pending").count()
        begin = clock.perf_counter()
        outcomes = deliver.deliver_all_owed()
        seconds = clock.perf_counter() - begin
        delivered = sum(o.delivered for o in outcomes)
        print(
            f"delivered {delivered}/{owed} to a loopback receiver in {seconds:.2f} s: "
            f"{delivered / seconds:.0f} deliveries/s (one sender)"
        )


if __name__ == "__main__":
    args, teardown = setup(__doc__.splitlines()[0])
    try:
        run(args.repeat)
    finally:
        teardown()
