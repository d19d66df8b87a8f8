"""Read host calendars into ``BusyTime`` rows (interface; being implemented for issue 11)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..models import HostCalendar


@dataclass(frozen=True)
class SyncReport:
    """What one read of one calendar did; ``error`` is safe to show (no secrets)."""

    calendar_id: int
    name: str
    events_read: int = 0
    busy_stored: int = 0
    error: str = ""


def sync_calendar(
    calendar: HostCalendar, *, now: datetime | None = None, timeout: float | None = None
) -> SyncReport:
    raise NotImplementedError


def sync_due(*, now: datetime | None = None) -> list[SyncReport]:
    raise NotImplementedError


def refresh_stale(
    host_ids: Sequence[int], *, budget_seconds: float, now: datetime | None = None
) -> list[SyncReport]:
    raise NotImplementedError


def check_connection(calendar: HostCalendar) -> str:
    raise NotImplementedError
