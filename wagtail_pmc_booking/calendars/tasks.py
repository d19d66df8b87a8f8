"""Huey tasks of host calendars: the periodic read of every calendar, and write-back."""

import logging

from django.core.exceptions import ImproperlyConfigured
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ..conf import booking_settings
from . import sync, writeback

__all__ = ["refresh_host_calendars", "write_booking_to_calendars"]

logger = logging.getLogger(__name__)


def _refresh_interval() -> int:
    """Read once, at import: Huey fixes periodic schedules when tasks are defined."""
    minutes = booking_settings.CALENDAR_REFRESH_MINUTES
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise ImproperlyConfigured("CALENDAR_REFRESH_MINUTES must be 1 to 60 minutes.")
    return minutes


@db_periodic_task(crontab(minute=f"*/{_refresh_interval()}"))  # type: ignore[untyped-decorator]
def refresh_host_calendars() -> dict[str, int]:
    """Read every calendar that is due (failed ones wait out their backoff)."""
    reports = sync.sync_due()
    return {
        "read": len(reports),
        "failed": sum(1 for report in reports if report.error),
    }


@db_task()  # type: ignore[untyped-decorator]
def write_booking_to_calendars(booking_pk: int) -> None:
    """Bring the booking's events in its hosts' calendars in line with the booking."""
    writeback.write_booking(booking_pk)
