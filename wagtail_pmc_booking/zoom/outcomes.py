"""What one sync did, in words every caller shares (the sweep, tasks, the admin, the API)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Action(StrEnum):
    """What one sync did."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNCHANGED = "unchanged"
    NOT_DUE = "not_due"
    BUSY = "busy"
    PAUSED = "paused"


REPORTED_ACTIONS = (
    Action.CREATED,
    Action.UPDATED,
    Action.DELETED,
    Action.SKIPPED,
    Action.FAILED,
    Action.BUSY,
)

# Queues another sync of a booking (by pk) at a time; ``tasks.schedule_retry``.
RetryScheduler = Callable[[int, datetime], None]


@dataclass
class Outcome:
    """What one sync did; ``retry_at`` is when another try is owed, if one is;
    ``refused``: Zoom refused the credentials, so every other booking would fail too."""

    booking_id: str
    action: Action
    error: str = ""
    retry_at: datetime | None = None
    transient: bool = False
    refused: bool = False

    @property
    def retry_owed(self) -> datetime | None:
        """When a retry must be queued: after a failure or a busy lock (not when merely
        not due, whose retry is already waiting)."""
        if self.action in (Action.FAILED, Action.BUSY):
            return self.retry_at
        return None
