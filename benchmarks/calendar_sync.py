"""``pmc_calendar_sync`` end to end: 25 ICS calendars of 2,000 events each, on loopback.

Run: ``python benchmarks/calendar_sync.py [--database-url postgres://…] [--repeat 3]``.
Prints the total seconds per run, the median per calendar and events read per second.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

from _django import setup

CALENDARS = 25
EVENTS = 2000


def feed(index, start):
    """2,000 half-hour events spread over the next 60 days, a third of them weekly."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(EVENTS):
        begin = start + timedelta(minutes=43 * n)
        rule = ["RRULE:FREQ=WEEKLY;COUNT=2"] if n % 3 == 0 else []
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{index}-{n}@example.org",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{begin:%Y%m%dT%H%M%SZ}",
            f"DTEND:{begin + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
            *rule,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def main():
    args, teardown = setup(__doc__)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from tests import factories
    from tests.calendars.feed_server import FeedServer
    from wagtail_pmc_booking.calendars import sync
    from wagtail_pmc_booking.models import BusyTime, HostCalendar

    lookahead = override_settings(
        WAGTAIL_PMC_BOOKING={**settings.WAGTAIL_PMC_BOOKING, "CALENDAR_LOOKAHEAD_DAYS": 60}
    )
    lookahead.enable()
    try:
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        with FeedServer() as server:
            calendars = []
            for index in range(CALENDARS):
                server.serve(f"/{index}.ics", feed(index, start))
                host = factories.make_host(timezone="Europe/Berlin")
                calendars.append(
                    HostCalendar.objects.create(
                        host=host, name=f"c{index}", kind="ics", url=server.url(f"/{index}.ics")
                    )
                )
            totals, per_calendar = [], []
            for _ in range(max(1, min(args.repeat, 5))):
                began = time.perf_counter()
                call_command("pmc_calendar_sync", stdout=StringIO())
                totals.append(time.perf_counter() - began)
            for calendar in calendars[:5]:
                began = time.perf_counter()
                report = sync.sync_calendar(calendar)
                per_calendar.append(time.perf_counter() - began)
                assert not report.error, report.error
            events = CALENDARS * EVENTS
            total = statistics.median(totals)
            print(f"{CALENDARS} calendars x {EVENTS} events, {BusyTime.objects.count()} busy rows")
            print(f"pmc_calendar_sync total: median {total:.2f} s of {len(totals)} runs")
            print(f"per calendar: median {statistics.median(per_calendar):.3f} s")
            print(f"events/s: {events / total:,.0f}")
    finally:
        lookahead.disable()
        teardown()


if __name__ == "__main__":
    main()
