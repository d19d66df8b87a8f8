"""``manage.py pmc_zoom_resync``: one Zoom reconcile sweep, now, in this process.

Someone running it wants Zoom caught up now (say, after an outage), so by default every
owed meeting is tried at once rather than at its retry time; ``--respect-backoff`` runs
the periodic sweep as Huey does.
"""

from django.core.management.base import BaseCommand, CommandError

from ...models import Booking
from ...zoom import reconcile, sweep, tasks
from ...zoom.outcomes import REPORTED_ACTIONS


class Command(BaseCommand):
    help = (
        "Reconcile every booking whose Zoom meeting differs from what the booking wants "
        "now, one at a time and synchronously, even those waiting for a retry, and print "
        "what was done. Stops early if Zoom is down again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--booking",
            action="append",
            default=[],
            metavar="BOOKING_ID",
            help="Resync only this booking (bk_…) now, even if it waits for a retry. Repeatable.",
        )
        parser.add_argument(
            "--respect-backoff",
            action="store_true",
            help="Leave meetings waiting for a retry alone, as the periodic Huey sweep does.",
        )

    def handle(self, *args, booking, respect_backoff, **options):
        if booking:
            report = sweep.SweepReport()
            for public_id in booking:
                found = Booking.objects.filter(public_id=public_id).first()
                if found is None:
                    raise CommandError(f"No booking {public_id}.")
                outcome = reconcile.sync_meeting(found.pk, force=True)
                report.add(outcome)
                if outcome.retry_at is not None:
                    tasks.schedule_retry(found.pk, outcome.retry_at)
        else:
            report = sweep.sweep(respect_backoff=respect_backoff)
        self.print_report(report)

    def print_report(self, report):
        counts = report.counts
        self.stdout.write(
            "Zoom resync: " + ", ".join(f"{counts[action]} {action}" for action in REPORTED_ACTIONS)
        )
        for action in REPORTED_ACTIONS:
            outcomes = [o for o in report.outcomes if o.action == action]
            if not outcomes:
                continue
            self.stdout.write(f"{action}:")
            for outcome in outcomes:
                line = f"  {outcome.booking_id}"
                if outcome.error:
                    line += f" ({outcome.error})"
                self.stdout.write(line)
        if report.paused:
            self.stdout.write(self.style.WARNING(f"Paused: {report.paused}"))
        if report.stopped_early:
            self.stdout.write(
                self.style.WARNING("Stopped early: Zoom looks down; the next sweep goes on.")
            )
