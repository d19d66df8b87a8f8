"""One sync per booking at a time, so a booking never gets two meetings."""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DatabaseError, connection

from ..conf import booking_settings

logger = logging.getLogger(__name__)

_LOCK_NAMESPACE = 0x504D435A  # "PMCZ"
_CACHE_PREFIX = "wagtail_pmc_booking:zoom"


@contextmanager
def booking_lock(booking_pk: int) -> Iterator[bool]:
    """One sync per booking at a time; yields whether this one may go ahead.

    PostgreSQL: an advisory lock, which the server frees when a killed worker's
    connection drops; inside a transaction (``ATOMIC_REQUESTS``, tests) it is held until
    the transaction ends, so nobody reads the record before what we wrote is committed.
    Elsewhere: a lock in Django's cache (shared between processes when the cache is),
    which expires after ``ZOOM_LOCK_SECONDS``.
    """
    if connection.vendor == "postgresql":
        key = (_LOCK_NAMESPACE, int(booking_pk) % 2**31)
        in_transaction = connection.in_atomic_block
        take = "pg_try_advisory_xact_lock" if in_transaction else "pg_try_advisory_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {take}(%s, %s)", key)
            row = cursor.fetchone()
        acquired = bool(row and row[0])
        try:
            yield acquired
        finally:
            if acquired and not in_transaction:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
                except DatabaseError:
                    logger.warning("Could not release the Zoom lock of booking %s", booking_pk)
        return
    cache_key = f"{_CACHE_PREFIX}:sync-lock:{booking_pk}"
    token = uuid.uuid4().hex
    taken = bool(cache.add(cache_key, token, timeout=booking_settings.ZOOM_LOCK_SECONDS))
    try:
        yield taken
    finally:
        if taken and cache.get(cache_key) == token:
            cache.delete(cache_key)
