"""The Zoom lifecycle listens to committed booking changes (``signals.booking_changed``).

Connected from ``AppConfig.ready``. The receiver runs before the booking's emails are
queued, so a meeting made within the inline budget is in them.
"""

import logging

from django.dispatch import receiver

from .. import signals
from . import meetings
from . import tasks as _tasks  # noqa: F401  (registers the Huey tasks wherever the app runs)

logger = logging.getLogger(__name__)


@receiver(signals.booking_changed, dispatch_uid="wagtail_pmc_booking.zoom.sync_after_commit")
def sync_after_commit(sender, *, change=None, booking_pk=None, booking=None, **kwargs):
    """Create, move or delete the meeting now if Zoom answers in time, else queue it.

    Never raises: the booking is committed whatever Zoom does, and the sweep repairs
    anything this misses.
    """
    pk = booking_pk if booking_pk is not None else getattr(booking, "pk", None)
    if pk is None:
        return
    try:
        # The booking's own email follows and carries the link: no separate announcement.
        meetings.sync_inline(pk, announce=False)
    except Exception:
        logger.exception("Zoom sync after the %s of booking %s failed", change, pk)
