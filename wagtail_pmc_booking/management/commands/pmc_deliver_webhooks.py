"""``manage.py pmc_deliver_webhooks``: attempt every owed webhook delivery now, and say how.

Owed: pending, for an active endpoint, not held by a live sender; the backoff is not
waited for. The periodic Huey task sends the due ones every minute; this is for cron
without Huey, or to see it done after an endpoint is fixed. Always exits 0: a failed
delivery stays owed (or gave up) and says so.
"""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand

from ...webhooks import deliver


def shown_url(url: str) -> str:
    """Scheme and host only: an endpoint's path may carry its own secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"


class Command(BaseCommand):
    help = (
        "Attempt every owed webhook delivery now, without waiting for its backoff: print "
        "a line per delivery (delivered, failed and when it is tried next, or gave up), "
        "then a summary."
    )

    def handle(self, *args, **options):
        outcomes = deliver.deliver_all_owed()
        for o in outcomes:
            line = f"{o.event_id} {o.event_type} -> {shown_url(o.url)} {o.result}"
            status = f" {o.status_code}" if o.status_code is not None else ""
            if o.delivered:
                self.stdout.write(f"{line}{status}")
            elif o.result == deliver.GAVE_UP:
                self.stdout.write(
                    self.style.ERROR(f"{line}{status} (attempt {o.attempts}): {o.error}")
                )
            else:
                when = o.next_attempt_at.isoformat() if o.next_attempt_at else "?"
                self.stdout.write(
                    self.style.WARNING(
                        f"{line}{status} (attempt {o.attempts}, next at {when}): {o.error}"
                    )
                )
        delivered = sum(o.delivered for o in outcomes)
        gave_up = sum(o.result == deliver.GAVE_UP for o in outcomes)
        self.stdout.write(
            f"Webhooks: {delivered} delivered, {len(outcomes) - delivered - gave_up} failed "
            f"(retried later), {gave_up} gave up."
        )
