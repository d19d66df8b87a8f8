"""A short-lived cache of computed slots, dropped whenever anything they depend on changes.

Listing is the hot read path (every calendar view asks for a month). Results are keyed
by the inputs, the current minute and a version stamp; saving or deleting a booking,
host, window, out-of-office entry or meeting type replaces the stamp at once and again
on commit, so a reader never keeps pre-commit data. The booking service re-checks every
slot anyway, so the cache can at worst show a slot that has just gone, never book one.

When the cache cannot be reached, slots are computed as if it were off and writes go
on without dropping the stamp (a warning is logged): an unreachable cache is no reason
to fail a listing or a booking.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .conf import booking_settings
from .models import (
    AvailabilityWindow,
    Booking,
    DateOverride,
    Host,
    HostCalendar,
    MeetingType,
    OutOfOffice,
)

VERSION_KEY = "wagtail_pmc_booking:slots:version"
SOURCES = (
    AvailabilityWindow,
    Booking,
    DateOverride,
    Host,
    HostCalendar,
    MeetingType,
    OutOfOffice,
)
"""The models slots are computed from: a change to any of them drops every cached slot."""

T = TypeVar("T")

logger = logging.getLogger(__name__)


def version() -> str:
    stamp: str | None = cache.get(VERSION_KEY)
    if stamp is None:
        stamp = uuid.uuid4().hex
        cache.add(VERSION_KEY, stamp, None)
        stamp = cache.get(VERSION_KEY, stamp)
    return stamp


def invalidate(**kwargs: object) -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # any backend's "unreachable"
        logger.warning("Slot cache not invalidated: the cache is unavailable", exc_info=True)


def invalidate_now_and_on_commit(**kwargs: object) -> None:
    invalidate()
    transaction.on_commit(invalidate)


def cached(parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered for ``SLOTS_CACHE_SECONDS`` under ``parts`` + version."""
    seconds = booking_settings.SLOTS_CACHE_SECONDS
    if not seconds:
        return compute()
    try:
        digest = hashlib.sha256(repr((version(), *parts)).encode()).hexdigest()
        key = f"wagtail_pmc_booking:slots:{digest}"
        found: T | None = cache.get(key)
    except Exception:  # any backend's "unreachable"
        logger.warning("Slots computed without the cache: it is unavailable", exc_info=True)
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, seconds)
        except Exception:
            logger.warning("Slots not cached: the cache is unavailable", exc_info=True)
    return found


def connect() -> None:
    """Invalidate on every change to what slots are computed from.

    ``BusyTime`` rows are written only by a calendar sync, in bulk, which drops the cache
    itself on commit: a receiver on them would cost a signal per row and slow deletes.
    """
    for model in SOURCES:
        uid = f"wagtail_pmc_booking.slot_cache.{model.__name__}"
        post_save.connect(invalidate_now_and_on_commit, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(invalidate_now_and_on_commit, sender=model, dispatch_uid=uid + ".del")
    for through in (MeetingType.hosts.through, Booking.co_hosts.through):
        m2m_changed.connect(
            invalidate_now_and_on_commit, sender=through, dispatch_uid=f"{through.__name__}.m2m"
        )
