"""Periodic upkeep of the REST API, run by the Huey consumer.

Huey discovers only ``<app>.tasks``; ``wagtail_pmc_booking/tasks.py`` imports this module.
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import idempotency

__all__ = ["purge_idempotency_keys"]

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_keys():
    """Hourly, so a key outlives its TTL by at most an hour and the table stays small."""
    deleted = idempotency.purge_expired()
    if deleted:
        logger.info("Purged %s expired idempotency keys", deleted)
    return deleted
