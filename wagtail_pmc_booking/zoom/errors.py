"""Named Zoom failures, so callers decide retry-or-give-up by type, not by status code.

Messages are built here from the HTTP status, Zoom's error code and Zoom's short error
message with URLs and secrets removed; they never carry OAuth tokens, the client secret,
``start_url`` or host keys, so they are safe to store in ``last_error`` and to log.
"""

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests

INVALID_TOKEN_CODE = 124
RATE_LIMIT_CODE = 429
# 1001: the user does not exist; 3001: the meeting does not exist or has expired.
NOT_FOUND_CODES = frozenset({1001, 3001})
_URL_RE = re.compile(r"https?://\S+")


class ZoomError(Exception):
    """Any failure talking to Zoom."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class ZoomUnavailable(ZoomError):
    """Zoom did not answer usefully (5xx, timeout, connection error): try again later.

    After a timeout on a create, Zoom may have created the meeting anyway; look it up
    with ``find_meeting_by_agenda_marker`` before creating again.
    """


class ZoomRateLimited(ZoomUnavailable):
    """Zoom refused for now (HTTP 429, or the per-user daily create/update limit).

    A kind of ``ZoomUnavailable`` because the remedy is the same, later; ``retry_after``
    says how much later in seconds when Zoom told us (``None`` otherwise) and ``daily``
    marks the per-user daily limit, which resets at 00:00 UTC.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        daily: bool = False,
        status: int | None = None,
        code: int | None = None,
    ):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after
        self.daily = daily


class ZoomNotFound(ZoomError):
    """The meeting or user does not exist (HTTP 404, Zoom codes 1001 and 3001)."""


class ZoomAuthError(ZoomError):
    """The credentials or the app's scopes are wrong; retrying will not help."""


class ZoomBadRequest(ZoomError):
    """Zoom rejected the request itself (other 4xx); retrying it unchanged will not help."""


# From HTTP answers --------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or ``None`` if it says nothing usable.

    HTTP allows seconds or an HTTP date; Zoom's documentation also shows an ISO 8601
    instant (``2020-05-31T00:00:00Z``) for daily limits, so all three are read.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def seconds_until_utc_midnight(now: datetime) -> float:
    """When Zoom's per-user daily create/update limit resets."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def scrub(text: str, secrets: tuple[str | None, ...]) -> str:
    """Zoom's words without URLs or any of ``secrets``, short enough to store."""
    text = _URL_RE.sub("<url>", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    return text[:300]


Scrub = Callable[[str], str]


def error_info(response: requests.Response, clean: Scrub) -> tuple[int | None, str]:
    """Zoom's error code and message; error bodies never hold start links, but scrub anyway."""
    try:
        payload = response.json()
    except ValueError:
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    code = payload.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    message = payload.get("message") or payload.get("reason") or payload.get("error") or ""
    return code, clean(str(message))


def rejects_token(response: requests.Response, clean: Scrub) -> bool:
    """Zoom did not take the access token (401, or code 124 on another 4xx)."""
    if response.status_code == 401:
        return True
    return 400 <= response.status_code < 500 and (
        error_info(response, clean)[0] == INVALID_TOKEN_CODE
    )


def transport_error(exc: requests.RequestException, what: str, timeout: object) -> ZoomError:
    if isinstance(exc, requests.Timeout):
        return ZoomUnavailable(f"{what}: no answer within {timeout} s")
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return ZoomUnavailable(f"{what}: connection failed ({type(exc).__name__})")
    return ZoomError(f"{what}: request failed ({type(exc).__name__})")


def api_error(response: requests.Response, label: str, now: datetime, clean: Scrub) -> ZoomError:
    """The named failure of an API answer outside 2xx."""
    status = response.status_code
    code, message = error_info(response, clean)
    text = f"Zoom {label}: HTTP {status}"
    if code is not None:
        text += f", code {code}"
    if message:
        text += f": {message}"
    # Zoom once answered the per-user daily limit with HTTP 300; nothing else uses it.
    if status in (300, 429) or code == RATE_LIMIT_CODE:
        daily = (
            status == 300
            or "daily" in message.lower()
            or response.headers.get("X-RateLimit-Type", "").lower().startswith("daily")
        )
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        if retry_after is None and daily:
            retry_after = seconds_until_utc_midnight(now)
        return ZoomRateLimited(text, retry_after=retry_after, daily=daily, status=status, code=code)
    if status == 404 or code in NOT_FOUND_CODES:
        return ZoomNotFound(text, status=status, code=code)
    if status >= 500:
        return ZoomUnavailable(text, status=status, code=code)
    # 4700-4799 are OAuth errors: the app lacks a scope or was deactivated.
    if status == 403 or (code is not None and 4700 <= code < 4800):
        return ZoomAuthError(text, status=status, code=code)
    if 400 <= status < 500:
        return ZoomBadRequest(text, status=status, code=code)
    return ZoomUnavailable(text, status=status, code=code)


def token_error(response: requests.Response, what: str, now: datetime, clean: Scrub) -> ZoomError:
    """The named failure of an OAuth token answer other than 200."""
    code, message = error_info(response, clean)
    status = response.status_code
    text = f"{what}: HTTP {status}" + (f": {message}" if message else "")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        return ZoomRateLimited(text, retry_after=retry_after, status=429, code=code)
    if 400 <= status < 500:
        return ZoomAuthError(text, status=status, code=code)
    return ZoomUnavailable(text, status=status, code=code)
