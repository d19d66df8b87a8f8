"""Huey tasks of the Zoom lifecycle: one booking's retry, the periodic sweep, and a sweep
when a consumer starts (so work a killed consumer left half done is picked up at once).

Retries are queued here at the time ``reconcile`` asks for (its own backoff, with
``Retry-After`` honoured) rather than with Huey's fixed ``retry_delay``; the sweep is
the net under them. Only this module and the receivers know the queue.
"""

import logging
import threading
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from ..conf import booking_settings
from .attendance import decide_overdue
from .reconcile import sync_meeting
from .sweep import sweep

__all__ = [
    "decide_attendance",
    "schedule_retry",
    "schedule_sync",
    "sweep_zoom_meetings",
    "sync_booking_meeting",
]

logger = logging.getLogger(__name__)


def _resync_interval() -> int:
    """Read once, at import: Huey fixes periodic schedules when tasks are defined."""
    minutes = booking_settings.ZOOM_RESYNC_INTERVAL_MINUTES
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise ImproperlyConfigured("ZOOM_RESYNC_INTERVAL_MINUTES must be 1 to 60 minutes.")
    return minutes


@db_task()  # type: ignore[untyped-decorator]
def sync_booking_meeting(booking_pk: int) -> str:
    """Reconcile one booking's meeting if it is due, and queue the next try if it failed."""
    outcome = sync_meeting(booking_pk)
    if outcome.retry_owed is not None:
        schedule_sync(booking_pk, outcome.retry_owed)
    return outcome.action.value


def schedule_sync(booking_pk: int, when: datetime) -> None:
    """Run ``sync_booking_meeting`` at ``when`` (at once when that has passed)."""
    delay = max(0.0, (when - timezone.now()).total_seconds())
    if delay:
        sync_booking_meeting.schedule(args=(booking_pk,), delay=delay)
    else:
        sync_booking_meeting(booking_pk)


def schedule_retry(booking_pk: int, when: datetime) -> None:
    """Queue the retry task for ``when``; the sweep is the safety net if this is lost."""
    try:
        schedule_sync(booking_pk, when)
    except Exception:
        logger.exception("Could not queue the Zoom retry of booking %s", booking_pk)


@db_periodic_task(crontab(minute=f"*/{_resync_interval()}"))  # type: ignore[untyped-decorator]
def sweep_zoom_meetings() -> dict[str, int]:
    """Reconcile every booking whose meeting differs from what it wants (logged by sweep)."""
    return sweep().counts


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def decide_attendance() -> dict[str, int]:
    """Attendance verdicts for meetings Zoom never said had ended (counts per verdict)."""
    return decide_overdue()


_started = threading.Event()


@on_startup()  # type: ignore[untyped-decorator]
def sweep_when_a_consumer_starts() -> None:
    """Every worker of a consumer calls this; the first one queues a single sweep."""
    if HUEY.immediate or _started.is_set():
        return
    _started.set()
    sweep_zoom_meetings()
