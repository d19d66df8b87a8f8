"""Huey tasks of the Zoom lifecycle: one booking's retry, the periodic sweep, and a sweep
when a consumer starts (so work a killed consumer left half done is picked up at once).

Retries are scheduled by ``meetings`` itself with its own backoff (``Retry-After``
honoured) rather than Huey's fixed ``retry_delay``; the sweep is the net under them.
"""

import threading

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from ..conf import booking_settings
from . import meetings

__all__ = ["schedule_sync", "sweep_zoom_meetings", "sync_booking_meeting"]


def _resync_interval():
    """Read once, at import: Huey fixes periodic schedules when tasks are defined."""
    minutes = booking_settings.ZOOM_RESYNC_INTERVAL_MINUTES
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise ImproperlyConfigured("ZOOM_RESYNC_INTERVAL_MINUTES must be 1 to 60 minutes.")
    return minutes


@db_task()
def sync_booking_meeting(booking_pk):
    """Reconcile one booking's meeting if it is due, and queue the next try if it failed."""
    outcome = meetings.sync_meeting(booking_pk)
    if outcome.retry_at is not None and outcome.action in (meetings.FAILED, meetings.BUSY):
        schedule_sync(booking_pk, outcome.retry_at)
    return outcome.action


def schedule_sync(booking_pk, when):
    """Run ``sync_booking_meeting`` at ``when`` (at once when that has passed)."""
    delay = max(0.0, (when - timezone.now()).total_seconds())
    if delay:
        sync_booking_meeting.schedule(args=(booking_pk,), delay=delay)
    else:
        sync_booking_meeting(booking_pk)


@db_periodic_task(crontab(minute=f"*/{_resync_interval()}"))
def sweep_zoom_meetings():
    """Reconcile every booking whose meeting differs from what it wants (logged by sweep)."""
    return meetings.sweep().counts


_started = threading.Event()


@on_startup()
def sweep_when_a_consumer_starts():
    """Every worker of a consumer calls this; the first one queues a single sweep."""
    if HUEY.immediate or _started.is_set():
        return
    _started.set()
    sweep_zoom_meetings()
