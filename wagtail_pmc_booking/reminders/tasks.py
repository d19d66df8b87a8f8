"""The reminders' Huey task: every minute, send what is due."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import send

__all__ = ["send_due_reminders"]


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def send_due_reminders() -> dict[str, int]:
    """Send every due reminder; a failed one stays pending for the next minute."""
    return send.tally(send.send_due())
