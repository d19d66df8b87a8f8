"""The webhooks' Huey tasks: one delivery after commit, and a sweep every minute.

The sweep sends what is due (retries) and what a dead sender left claimed (its lease ran
out), and what was never enqueued: the outbox row is the truth, the queue a nudge.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import deliver

__all__ = ["deliver_due_webhooks", "deliver_webhook"]


@db_task()  # type: ignore[untyped-decorator]
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a delivery, if it is still owed (the sweep retries a failure)."""
    outcome = deliver.attempt(delivery_id)
    return outcome.result if outcome is not None else "not owed"


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def deliver_due_webhooks() -> int:
    """Every due or abandoned delivery; how many were attempted."""
    return len(deliver.deliver_due())
