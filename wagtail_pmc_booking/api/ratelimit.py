"""Fixed-window rate limits in Django's cache, shared by every worker that shares the cache.

``cache.incr`` counts in a window and ``cache.add`` starts it; both are atomic on Redis,
Memcached and the local-memory cache, so concurrent requests cannot over-admit.
The cache is an optimisation, not a dependency: when it cannot be reached the limit
fails open (the request is admitted) and a warning is logged.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from ..conf import booking_settings
from ..models import ApiKey
from .errors import RateLimited

logger = logging.getLogger(__name__)
CACHE_PREFIX = "pmc-booking-api:rl"
PERIODS: dict[str, int] = {
    "s": 1,
    "second": 1,
    "m": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str | None) -> Rate | None:
    """``"60/minute"`` -> ``Rate(60, 60)``; ``None`` or ``""`` means no limit."""
    if not text:
        return None
    count, _, period = str(text).partition("/")
    try:
        return Rate(int(count), PERIODS[period.strip().lower()])
    except (KeyError, ValueError) as exc:
        raise ValueError(f"Invalid rate {text!r}; use e.g. '60/minute'.") from exc


def hit(bucket: str, rate: Rate | None, *, now: float | None = None) -> None:
    """Count one request in ``bucket``; raise ``RateLimited`` when it is over ``rate``."""
    if rate is None:
        return
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"{CACHE_PREFIX}:{bucket}:{rate.seconds}:{window}"
    try:
        count = count_in(key, rate)
    except Exception:  # any backend's "unreachable": redis, memcached, database errors
        logger.warning("Rate limit not applied: the cache is unavailable", exc_info=True)
        return
    if count > rate.limit:
        retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
        raise RateLimited(retry_after)


def count_in(key: str, rate: Rate) -> int:
    """Counted by ``incr`` alone once the window has begun (one cache call per request,
    not two); its first request begins it with ``add``."""
    try:
        return cache.incr(key)
    except ValueError:  # no window yet
        if cache.add(key, 1, timeout=rate.seconds + 1):
            return 1
        return cache.incr(key)  # another request began it in between


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or what the outermost trusted proxy saw when proxies are trusted."""
    remote: str = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = booking_settings.API_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if not proxies or not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def check_public(request: HttpRequest) -> None:
    hit(f"ip:{client_ip(request)}", parse_rate(booking_settings.API_RATE_LIMIT_PUBLIC))


def check_key(api_key: ApiKey) -> None:
    hit(f"key:{api_key.pk}", parse_rate(booking_settings.API_RATE_LIMIT_KEY))
