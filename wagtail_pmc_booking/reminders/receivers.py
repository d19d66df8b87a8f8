"""Reminders follow committed booking changes: the rows are planned here, in the request.

Planning is a few row writes, so it runs inline (no queue to lose it); the periodic task
sends them. Never raises into the writer: a failure is logged, the booking stays.
"""

import logging

from django.dispatch import receiver

from .. import signals
from ..changes import Change
from . import plan

logger = logging.getLogger(__name__)


@receiver(signals.booking_changed, dispatch_uid="wagtail_pmc_booking.reminders.plan")
def plan_the_reminders(
    sender: object, *, booking_pk: int, change: Change, **kwargs: object
) -> None:
    """Plan the new revision's reminders (created, moved, handed over) or drop them (cancelled)."""
    try:
        plan.plan(booking_pk)
    except Exception:
        logger.exception("Could not plan the reminders of booking %s (%s)", booking_pk, change)
