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


# A calendar down for a while is retried 6 times, 30 s doubling (about 30 minutes in all);
# our own schedule rather than Huey's ``retries``, whose fixed delay cannot double.
WRITE_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 30


@db_task()  # type: ignore[untyped-decorator]
def write_booking_to_calendars(booking_pk: int, attempt: int = 0, rewrite: bool = False) -> None:
    """Bring the booking's events in its hosts' calendars in line with the booking.

    Every calendar is tried each time (written ones are skipped by SEQUENCE), so the
    next attempt retries only what failed.
    """
    try:
        writeback.write_booking(booking_pk, rewrite=rewrite)
    except writeback.WriteFailed as exc:
        if attempt + 1 >= WRITE_ATTEMPTS:
            logger.error("Gave up writing booking %s to calendars: %s", booking_pk, exc)
            return
        delay = FIRST_RETRY_SECONDS * 2**attempt
        write_booking_to_calendars.schedule(args=(booking_pk, attempt + 1, rewrite), delay=delay)
