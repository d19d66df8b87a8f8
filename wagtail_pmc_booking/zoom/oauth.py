"""The Server-to-Server OAuth token, shared by every process through Django's cache.

Only one process asks Zoom for a missing token (a lock in the cache); the others wait
for it, so a busy site does not hit Zoom's token endpoint once per worker.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)

# A cached token is replaced this many seconds before Zoom says it expires.
TOKEN_REFRESH_MARGIN = 60
# How often a process waiting for another one's token request looks at the cache.
TOKEN_POLL_INTERVAL = 0.05


class SharedToken:
    """One app's access token in ``cache``; ``clock`` (epoch seconds) lets tests age it.

    ``lock_wait`` is how long a process waits for another one's token request (at most
    the connect plus read timeout) before asking itself.
    """

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        token_url: str,
        cache: BaseCache,
        clock: Callable[[], float],
        lock_wait: float,
    ):
        # Keyed by who asks and where: a token from one OAuth server is useless at another.
        identity = f"{account_id}\0{client_id}\0{token_url}".encode()
        self.key = f"wagtail_pmc_booking:zoom:token:{hashlib.sha256(identity).hexdigest()}"
        self._lock_key = f"{self.key}:lock"
        self._cache = cache
        self._clock = clock
        self.lock_wait = lock_wait
        self._lock_ttl = math.ceil(lock_wait) + 1

    def get(self, fetch: Callable[[], str]) -> str:
        """The cached token, or the one ``fetch`` gets (by this process or another)."""
        token = self.cached()
        if token:
            return token
        deadline = time.monotonic() + self.lock_wait
        while True:
            if self._cache.add(self._lock_key, 1, timeout=self._lock_ttl):
                try:
                    return self.cached() or fetch()
                finally:
                    self._cache.delete(self._lock_key)
            if time.monotonic() >= deadline:
                logger.warning("Zoom token lock held too long; requesting a token anyway")
                return fetch()
            time.sleep(TOKEN_POLL_INTERVAL)
            token = self.cached()
            if token:
                return token

    def entry(self) -> dict[str, Any]:
        entry = self._cache.get(self.key)
        return entry if isinstance(entry, dict) else {}

    def cached(self) -> str | None:
        entry = self.entry()
        if entry.get("expires_at", 0) - TOKEN_REFRESH_MARGIN > self._clock():
            token = entry.get("access_token")
            return str(token) if token else None
        return None

    def store(self, token: str, expires_in: float) -> None:
        """Keep ``token`` until a minute before it expires; a shorter-lived one is not kept."""
        lifetime = expires_in - TOKEN_REFRESH_MARGIN
        if lifetime > 0:
            entry = {"access_token": token, "expires_at": self._clock() + expires_in}
            self._cache.set(self.key, entry, timeout=math.ceil(lifetime))

    def drop(self, token: str) -> None:
        """Forget ``token`` if it is still the cached one (Zoom rejected it)."""
        if self.entry().get("access_token") == token:
            self._cache.delete(self.key)

    def clear(self) -> None:
        self._cache.delete_many([self.key, self._lock_key])
