"""``manage.py pmc_send_reminders``: send the due reminders once, now, and say what happened.

The periodic Huey task does the same every minute; this is for cron without Huey, or to
see it done. Exits with status 1 if a reminder could not be sent (it stays pending).
"""

import sys

from django.core.management.base import BaseCommand

from ...reminders import send


class Command(BaseCommand):
    help = (
        "Send every reminder email that is due now, once: print a line per reminder sent, "
        "dropped (more than 2 hours late, or the booking changed) or failed, then a summary."
    )

    def handle(self, *args, **options):
        outcomes = send.send_due()
        for outcome in outcomes:
            line = (
                f"{outcome.result} booking {outcome.booking_id} to {outcome.recipient} "
                f"({outcome.minutes_before} min before)"
            )
            if outcome.result == send.SENT:
                self.stdout.write(line)
            elif outcome.result == send.DROPPED:
                self.stdout.write(self.style.WARNING(f"{line}: {outcome.reason}"))
            else:
                self.stdout.write(self.style.ERROR(f"{line}: {outcome.reason}"))
        counts = send.tally(outcomes)
        self.stdout.write(
            f"Reminders: {counts[send.SENT]} sent, {counts[send.DROPPED]} dropped, "
            f"{counts[send.FAILED]} failed."
        )
        if counts[send.FAILED]:
            sys.exit(1)
