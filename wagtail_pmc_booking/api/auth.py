"""Who is calling: an API key (``Authorization: Bearer pmc_live_…``) or an anonymous client.

Each check also counts the request against its rate limit, so a request is refused
before any real work: per key for keyed requests, per client IP otherwise.
The key a request was made with is left on ``request.pmc_api_key``; its ``mode``
(``"test"`` for ``pmc_test_`` keys) tells the Zoom integration to use the sandbox, and
bookings a test key makes are sandbox bookings for life (``Client.sandbox``).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from ..changes import Actor
from ..models import ApiKey
from ..models.api_keys import KeyMode, Scope
from ..tokens import hashes_match
from . import ratelimit
from .errors import Forbidden, Unauthorized

logger = logging.getLogger(__name__)

KEY_PREFIXES = ("pmc_live_", "pmc_test_")
MAX_KEY_LENGTH = 128
# ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Client:
    """The caller of one request; always truthy, as ninja expects of an auth result."""

    api_key: ApiKey | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.api_key is None

    @property
    def sandbox(self) -> bool:
        """Test keys make and see only sandbox bookings; everyone else only live ones."""
        return self.api_key is not None and self.api_key.mode == KeyMode.TEST

    @property
    def actor(self) -> Actor | str:
        """How the audit trail names this caller."""
        if self.api_key is None:
            return Actor.ATTENDEE
        return f"api:{self.api_key.display_prefix}"


class ApiRequest(HttpRequest):
    """What an operation of this API is called with: Django's request after ninja's auth.

    For annotations only: ninja sets ``auth`` (the ``Client``), and ``authenticate`` /
    ``Anonymous`` set ``pmc_api_key``, which the Zoom integration reads.
    """

    auth: Client
    pmc_api_key: ApiKey | None


def find_key(plaintext: str) -> ApiKey | None:
    """The live key for ``plaintext``, or None; revoked keys are refused at once."""
    if not plaintext.startswith(KEY_PREFIXES) or len(plaintext) > MAX_KEY_LENGTH:
        return None
    digest = ApiKey.hash_key(plaintext)
    key = ApiKey.objects.filter(key_hash=digest).first()
    if key is None or not hashes_match(key.key_hash, digest) or key.is_revoked:
        return None
    return key


def touch(key: ApiKey, now: datetime | None = None) -> None:
    """Record use, writing only when the stored time is older than the resolution."""
    now = now or timezone.now()
    if key.last_used_at and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    try:
        ApiKey.objects.filter(stale, pk=key.pk).update(last_used_at=now)
    except DatabaseError:
        logger.warning("Could not record the use of API key %s", key.pk, exc_info=True)
    key.last_used_at = now


class ApiKeyAuth(HttpBearer):
    """A bearer API key, with ``scope`` when the operation needs one.

    Without an ``Authorization`` header it answers None, so ninja tries the next
    check (``Anonymous`` on public operations) or refuses with 401. A header that is
    present but wrong is refused at once.
    """

    def __init__(self, scope: Scope | None = None) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Client | None:
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise Unauthorized(_("Send the API key as “Authorization: Bearer <key>”."))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Client:
        key = find_key(token)
        if key is None:
            ratelimit.check_public(request)
            raise Unauthorized(_("Unknown or revoked API key."))
        if self.scope and not key.has_scope(self.scope):
            raise Forbidden(
                _("This API key does not have the “%(scope)s” scope.") % {"scope": self.scope}
            )
        ratelimit.check_key(key)
        touch(key)
        mark_key(request, key)
        return Client(api_key=key)


class Anonymous:
    """The fallback on public operations: anyone, limited per client IP."""

    def __call__(self, request: HttpRequest) -> Client:
        ratelimit.check_public(request)
        mark_key(request, None)
        return Client()


def mark_key(request: HttpRequest, key: ApiKey | None) -> None:
    """Leave the key on the request (``ApiRequest.pmc_api_key``) for the Zoom integration."""
    cast(ApiRequest, request).pmc_api_key = key


def public(scope: Scope | None = None) -> list[Callable[[HttpRequest], Client | None]]:
    """Auth for an operation anyone may call, and key holders with ``scope`` too."""
    return [ApiKeyAuth(scope), Anonymous()]


# OpenAPI: on public operations the bearer key is optional ("{}" = no security).
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}
