"""``manage.py pmc_calendar_sync``: read every host calendar now, in this process.

Someone running it wants to see each calendar's answer, so calendars waiting out a
backoff are read too, and the exit status says whether any failed.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from ...calendars import sync
from ...models import Host, HostCalendar


class Command(BaseCommand):
    help = (
        "Read every host calendar now, synchronously (even those waiting for a retry), "
        "store its busy times and print per calendar the events read, the busy times "
        "stored or the error. Exits with status 1 if any calendar failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", metavar="SLUG", help="Only this host's calendars.")

    def handle(self, *args, host=None, **options):
        calendars = HostCalendar.objects.select_related("host").order_by("host__slug", "pk")
        if host is not None:
            if not Host.objects.filter(slug=host).exists():
                raise CommandError(f"No host with the slug {host!r}.")
            calendars = calendars.filter(host__slug=host)
        days = sync.lookahead_days()
        failed = 0
        for calendar in calendars:
            report = sync.sync_calendar(calendar, days=days)
            label = f"{calendar.host.slug} / {calendar.name}"
            if report.error:
                failed += 1
                self.stdout.write(self.style.ERROR(f"{label}: ERROR {report.error}"))
            else:
                self.stdout.write(
                    f"{label}: read {report.events_read} events, "
                    f"stored {report.busy_stored} busy times"
                )
        if failed:
            self.stderr.write(f"{failed} calendar(s) failed.")
            sys.exit(1)
