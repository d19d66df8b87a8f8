"""The Zoom lifecycle listens to committed booking changes (``signals.booking_changed``).

Connected from ``AppConfig.ready`` (``wagtail_pmc_booking.receivers``). The receiver
runs before the booking's emails are queued, so a meeting made within the inline budget
is in them.
"""

import logging

from django.dispatch import receiver

from .. import signals
from ..changes import Change
from . import reconcile, tasks

logger = logging.getLogger(__name__)


@receiver(signals.booking_changed, dispatch_uid="wagtail_pmc_booking.zoom.sync_after_commit")
def sync_after_commit(sender: object, *, booking_pk: int, change: Change, **kwargs: object) -> None:
    """Create, move or delete the meeting now if Zoom answers in time, else queue it.

    Never raises: the booking is committed whatever Zoom does, and the sweep repairs
    anything this misses.
    """
    try:
        # The booking's own email follows and carries the link: no separate announcement.
        reconcile.sync_inline(booking_pk, tasks.schedule_retry, announce=False)
    except Exception:
        logger.exception("Zoom sync after the %s of booking %s failed", change, booking_pk)
