"""Periodic upkeep of the REST API, run by the Huey consumer.

Huey discovers only ``<app>.tasks``; ``wagtail_pmc_booking/tasks.py`` imports this module,
so it imports models only (the API's views import the booking writer, which imports tasks).
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ..models.api_keys import IdempotencyKey

__all__ = ["purge_idempotency_keys"]

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]  # huey is untyped
def purge_idempotency_keys() -> int:
    """Hourly, so a key outlives its TTL by at most an hour and the table stays small."""
    deleted = IdempotencyKey.purge_expired()
    if deleted:
        logger.info("Purged %s expired idempotency keys", deleted)
    return deleted
