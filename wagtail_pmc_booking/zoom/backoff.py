"""When to try Zoom again: per-meeting backoff, and a breaker for refused credentials.

Refused credentials fail every booking alike, so the periodic sweep pauses until the Zoom
settings change (or a call succeeds) instead of spending each meeting's attempts on them.
"""

import hashlib
import random
from datetime import datetime

from django.core.cache import cache

from .. import retry
from ..conf import booking_settings
from ..models import ZoomMeeting
from ..retry import Jitter

# No retry comes sooner than this, whatever the settings say: a worker never spins.
MIN_RETRY_SECONDS = 1.0
_CACHE_PREFIX = "wagtail_pmc_booking:zoom"


def backoff(attempts: int, retry_after: float | None = None, *, rng: Jitter = random) -> float:
    """Seconds before the next try: doubling from the base, capped, half of it jittered.

    ``retry_after`` (Zoom's ``Retry-After``) is a floor, even above the cap: the daily
    limit resets at midnight UTC however long that is.
    """
    delay = retry.delay(
        attempts,
        base=booking_settings.ZOOM_RETRY_BASE_SECONDS,
        cap=booking_settings.ZOOM_RETRY_MAX_SECONDS,
        rng=rng,
    )
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return max(MIN_RETRY_SECONDS, delay)


def credentials_fingerprint() -> str:
    """Changes whenever the Zoom settings do; the secret only enters it hashed."""
    parts = (
        booking_settings.ZOOM_ACCOUNT_ID,
        booking_settings.ZOOM_CLIENT_ID,
        booking_settings.ZOOM_CLIENT_SECRET,
        booking_settings.ZOOM_API_BASE_URL,
        booking_settings.ZOOM_OAUTH_TOKEN_URL,
    )
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _rejected_key() -> str:
    return f"{_CACHE_PREFIX}:credentials-rejected:{credentials_fingerprint()}"


def credentials_rejected() -> str:
    """The error Zoom gave for the current credentials, if it refused them."""
    return str(cache.get(_rejected_key()) or "")


def refuse_credentials(error: str) -> None:
    """Zoom refused the current credentials: pause the sweep until they change."""
    cache.set(_rejected_key(), error, None)


def accept_credentials() -> None:
    """Zoom took the current credentials: the sweep goes on."""
    cache.delete(_rejected_key())


def unpark_after_settings_change(now: datetime) -> None:
    """New Zoom settings deserve another try of everything parked under the old ones."""
    fingerprint = credentials_fingerprint()
    key = f"{_CACHE_PREFIX}:credentials-seen"
    if cache.get(key) == fingerprint:
        return
    ZoomMeeting.unpark_all(now)
    cache.set(key, fingerprint, None)
