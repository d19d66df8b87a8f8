"""A thin, typed client for the Zoom Meeting API v2 with Server-to-Server OAuth.

Secrets (OAuth tokens, the client secret, ``start_url`` and host keys) stay in here:
responses are reduced to ``Meeting`` before they are returned, error messages are built
from the status and Zoom's error code, and response bodies are never logged.
"""

import hashlib
import logging
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests
from django.core.cache import cache as default_cache
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter

from ..conf import booking_settings
from .errors import (
    ZoomAuthError,
    ZoomBadRequest,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
)

logger = logging.getLogger(__name__)

# A cached token is replaced this many seconds before Zoom says it expires.
TOKEN_REFRESH_MARGIN = 60
# How often a process waiting for another one's token request looks at the cache.
TOKEN_POLL_INTERVAL = 0.05
# Zoom's largest page; the page bound only stops a server that never ends a listing.
LIST_PAGE_SIZE = 300
LIST_MAX_PAGES = 20
TOPIC_MAX_LENGTH = 200
AGENDA_MAX_LENGTH = 2000
SCHEDULED_MEETING = 2
INVALID_TOKEN_CODE = 124
RATE_LIMIT_CODE = 429
# 1001: the user does not exist; 3001: the meeting does not exist or has expired.
NOT_FOUND_CODES = frozenset({1001, 3001})
# Letters and digits that cannot be misread for one another when typed from an email.
PASSCODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSCODE_LENGTH = 8
PASSCODE_RE = re.compile(r"[A-Za-z0-9@_*-]{1,10}")
_URL_RE = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Meeting:
    """What the app may keep of a Zoom meeting: deliberately no start_url or host keys.

    The way in (``join_url``, ``passcode``) and the attendee-facing ``agenda`` are left out
    of ``repr`` so that logging a meeting spreads neither.
    """

    id: int
    join_url: str = field(repr=False)
    passcode: str = field(repr=False)
    start_time: datetime | None
    duration: int | None
    topic: str
    agenda: str = field(repr=False)
    host_id: str
    host_email: str = ""
    timezone: str = ""


def meeting_from_api(data):
    """Keep the safe fields of a Zoom meeting object (create, get or list item)."""
    return Meeting(
        id=int(data["id"]),
        join_url=data.get("join_url") or "",
        passcode=data.get("password") or "",
        start_time=_parse_time(data.get("start_time")),
        duration=data.get("duration"),
        topic=data.get("topic") or "",
        agenda=data.get("agenda") or "",
        host_id=data.get("host_id") or "",
        host_email=data.get("host_email") or "",
        timezone=data.get("timezone") or "",
    )


def agenda_marker(public_id):
    """The tag the booking lifecycle writes at the start of a meeting's agenda.

    ``[pmc:bk_…]`` ties a Zoom meeting to its booking so that a create whose answer was
    lost can be found again instead of repeated. It goes first because Zoom may shorten
    long agendas in listings.
    """
    return f"[pmc:{public_id}]"


def generate_passcode(length=PASSCODE_LENGTH):
    """A random passcode within Zoom's rules, with an upper- and lower-case letter and a digit.

    Zoom allows at most 10 of ``[A-Za-z0-9@_*-]``; accounts may also require letters and
    digits, so every class is present. Drawing again until it is (rather than placing
    characters) keeps every valid passcode equally likely.
    """
    if not 3 <= length <= 10:
        raise ValueError("A Zoom passcode has 3 to 10 characters here.")
    while True:
        passcode = "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in passcode)
            and any(c.islower() for c in passcode)
            and any(c.isupper() for c in passcode)
        ):
            return passcode


def meeting_settings(meeting_type):
    """Zoom ``settings`` for a meeting type (a model or anything with the same attributes)."""
    return {
        "waiting_room": bool(meeting_type.zoom_waiting_room),
        "join_before_host": bool(meeting_type.zoom_join_before_host),
        "mute_upon_entry": bool(meeting_type.zoom_mute_upon_entry),
        "auto_recording": meeting_type.zoom_auto_recording or "none",
    }


def meeting_fields(
    *,
    topic=None,
    start_time=None,
    duration=None,
    timezone=None,
    agenda=None,
    settings=None,
    alternative_hosts=None,
    passcode=None,
):
    """The Zoom request body for the given meeting fields; ``None`` leaves a field out.

    ``start_time`` is sent as UTC (``…Z``) so Zoom never reinterprets it in the account's
    zone; ``timezone`` then only chooses how Zoom displays it.
    """
    body = {}
    if topic is not None:
        body["topic"] = topic[:TOPIC_MAX_LENGTH]
    if start_time is not None:
        body["start_time"] = format_start_time(start_time)
    if duration is not None:
        body["duration"] = int(duration)
    if timezone:
        body["timezone"] = timezone
    if agenda is not None:
        body["agenda"] = agenda[:AGENDA_MAX_LENGTH]
    if passcode is not None:
        if not PASSCODE_RE.fullmatch(passcode):
            raise ValueError("A Zoom passcode is 1-10 of letters, digits and @ _ * -.")
        body["password"] = passcode
    if settings is not None or alternative_hosts is not None:
        body["settings"] = dict(settings or {})
        if alternative_hosts is not None:
            body["settings"]["alternative_hosts"] = ";".join(alternative_hosts)
    return body


def format_start_time(value):
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Zoom start times must be timezone-aware.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_retry_after(value, now):
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


def seconds_until_utc_midnight(now):
    """When Zoom's per-user daily create/update limit resets."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def _parse_time(value):
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _as_timeout(value):
    if isinstance(value, list | tuple):
        connect, read = value
        return (float(connect), float(read))
    return (float(value), float(value))


class ZoomClient:
    """Zoom Meeting API v2 over one ``requests`` session, authenticated as an S2S OAuth app.

    The access token lives in Django's cache so every worker shares it. It is replaced a
    minute before it expires, and once when Zoom rejects it (401 or code 124). When it is
    missing, a lock in the cache lets one process ask for it while the others wait.
    ``cache`` defaults to Django's default cache; ``clock`` (epoch seconds) lets tests
    move time past a token's expiry.
    """

    is_sandbox = False

    def __init__(
        self,
        *,
        account_id,
        client_id,
        client_secret,
        api_base_url,
        token_url,
        timeout,
        cache=None,
        clock=time.time,
    ):
        self.account_id = account_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.api_base_url = api_base_url.rstrip("/")
        self.token_url = token_url
        self.timeout = _as_timeout(timeout)
        self._cache = default_cache if cache is None else cache
        self._clock = clock
        self._session = requests.Session()
        # Never resend on our own: a repeated POST could create a second meeting.
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, HTTPAdapter(max_retries=0))
        # Keyed by who asks and where: a token from one OAuth server is useless at another.
        identity = f"{account_id}\0{client_id}\0{token_url}".encode()
        self._token_key = f"wagtail_pmc_booking:zoom:token:{hashlib.sha256(identity).hexdigest()}"
        self._lock_key = f"{self._token_key}:lock"
        # A token request takes at most connect + read timeout; wait that long for another's.
        self._lock_wait = sum(self.timeout) + 0.5
        self._lock_ttl = math.ceil(self._lock_wait) + 1

    @classmethod
    def from_settings(cls):
        credentials = {
            "account_id": booking_settings.ZOOM_ACCOUNT_ID,
            "client_id": booking_settings.ZOOM_CLIENT_ID,
            "client_secret": booking_settings.ZOOM_CLIENT_SECRET,
        }
        missing = sorted(f"ZOOM_{name.upper()}" for name, value in credentials.items() if not value)
        if missing:
            raise ImproperlyConfigured(
                f"WAGTAIL_PMC_BOOKING needs {', '.join(missing)} for the Zoom backend."
            )
        return cls(
            **credentials,
            api_base_url=booking_settings.ZOOM_API_BASE_URL,
            token_url=booking_settings.ZOOM_OAUTH_TOKEN_URL,
            timeout=booking_settings.ZOOM_TIMEOUT,
        )

    def __repr__(self):
        return f"<ZoomClient account={self.account_id!r} api={self.api_base_url!r}>"

    # Meetings

    def create_meeting(
        self,
        zoom_user,
        *,
        topic,
        start_time,
        duration,
        timezone=None,
        agenda="",
        settings,
        alternative_hosts=None,
        passcode=None,
    ):
        """Schedule a meeting for ``zoom_user`` (a Zoom user id or email).

        Not idempotent: after ``ZoomUnavailable`` look the meeting up by its agenda marker
        before creating it again.
        """
        body = {
            "type": SCHEDULED_MEETING,
            **meeting_fields(
                topic=topic,
                start_time=start_time,
                duration=duration,
                timezone=timezone,
                agenda=agenda,
                settings=settings,
                alternative_hosts=alternative_hosts or None,
                passcode=passcode,
            ),
        }
        label = "POST /users/{userId}/meetings"
        response = self._call("POST", f"/users/{_user(zoom_user)}/meetings", label, json=body)
        return meeting_from_api(self._json(response, label))

    def get_meeting(self, meeting_id):
        label = "GET /meetings/{meetingId}"
        response = self._call("GET", f"/meetings/{int(meeting_id)}", label)
        return meeting_from_api(self._json(response, label))

    def update_meeting(self, meeting_id, **fields):
        """Change the given fields (the keyword arguments of ``create_meeting``)."""
        body = meeting_fields(**fields)
        if body:
            self._call(
                "PATCH", f"/meetings/{int(meeting_id)}", "PATCH /meetings/{meetingId}", json=body
            )

    def delete_meeting(self, meeting_id):
        """Delete a meeting; one that is already gone counts as deleted."""
        try:
            self._call("DELETE", f"/meetings/{int(meeting_id)}", "DELETE /meetings/{meetingId}")
        except ZoomNotFound:
            logger.info("Zoom meeting %s was already gone", meeting_id)

    def list_upcoming_meetings(self, zoom_user):
        label = "GET /users/{userId}/meetings"
        path = f"/users/{_user(zoom_user)}/meetings"
        params = {"type": "upcoming", "page_size": LIST_PAGE_SIZE}
        meetings = []
        for _ in range(LIST_MAX_PAGES):
            data = self._json(self._call("GET", path, label, params=params), label)
            meetings.extend(meeting_from_api(item) for item in data.get("meetings") or [])
            next_page = data.get("next_page_token")
            if not next_page:
                return meetings
            params = {**params, "next_page_token": next_page}
        raise ZoomError(f"Zoom {label}: still more pages after {LIST_MAX_PAGES}")

    def find_meeting_by_agenda_marker(self, zoom_user, marker):
        """The upcoming meeting of ``zoom_user`` whose agenda holds ``[pmc:<marker>]``.

        ``marker`` is a booking's public id (``bk_…``), see ``agenda_marker``. Listings may
        leave the agenda out, so meetings listed without one are fetched to be sure.
        """
        tag = agenda_marker(marker)
        for listed in self.list_upcoming_meetings(zoom_user):
            if listed.agenda and tag not in listed.agenda:
                continue
            try:
                meeting = self.get_meeting(listed.id)
            except ZoomNotFound:
                continue
            if tag in meeting.agenda:
                return meeting
        return None

    def get_start_url(self, meeting_id):
        """The host's start link, fetched fresh because it expires; never store or log it."""
        label = "GET /meetings/{meetingId}"
        data = self._json(self._call("GET", f"/meetings/{int(meeting_id)}", label), label)
        if not data.get("start_url"):
            raise ZoomError(f"Zoom {label}: the answer has no start link")
        return data["start_url"]

    def clear_token(self):
        """Forget the shared token, e.g. after the credentials changed."""
        self._cache.delete_many([self._token_key, self._lock_key])

    # HTTP

    def _call(self, method, path, label, *, json=None, params=None):
        token = self._token()
        response = self._send(method, path, label, token, json, params)
        if self._rejects_token(response):
            self._drop_token(token)
            token = self._token()
            response = self._send(method, path, label, token, json, params)
            if self._rejects_token(response):
                raise ZoomAuthError(
                    f"Zoom {label}: a fresh access token was rejected too",
                    status=response.status_code,
                    code=INVALID_TOKEN_CODE,
                )
        if 200 <= response.status_code < 300:
            return response
        raise self._api_error(response, label)

    def _send(self, method, path, label, token, json, params):
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                self.api_base_url + path,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise self._transport_error(exc, f"Zoom {label}") from exc
        logger.debug(
            "Zoom %s: HTTP %s in %.0f ms",
            label,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _transport_error(self, exc, what):
        if isinstance(exc, requests.Timeout):
            return ZoomUnavailable(f"{what}: no answer within {self.timeout} s")
        if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
            return ZoomUnavailable(f"{what}: connection failed ({type(exc).__name__})")
        return ZoomError(f"{what}: request failed ({type(exc).__name__})")

    def _rejects_token(self, response):
        if response.status_code == 401:
            return True
        return 400 <= response.status_code < 500 and (
            self._error_info(response)[0] == INVALID_TOKEN_CODE
        )

    def _api_error(self, response, label):
        status = response.status_code
        code, message = self._error_info(response)
        text = f"Zoom {label}: HTTP {status}"
        if code is not None:
            text += f", code {code}"
        if message:
            text += f": {message}"
        # Zoom once answered the per-user daily limit with HTTP 300; nothing else uses it.
        if status in (300, 429) or code == RATE_LIMIT_CODE:
            now = datetime.fromtimestamp(self._clock(), UTC)
            daily = (
                status == 300
                or "daily" in message.lower()
                or response.headers.get("X-RateLimit-Type", "").lower().startswith("daily")
            )
            retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
            if retry_after is None and daily:
                retry_after = seconds_until_utc_midnight(now)
            return ZoomRateLimited(
                text, retry_after=retry_after, daily=daily, status=status, code=code
            )
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

    def _error_info(self, response):
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
        return code, self._scrub(str(message))

    def _scrub(self, text):
        text = _URL_RE.sub("<url>", text)
        for secret in (self._client_secret, self._cached_entry().get("access_token")):
            if secret:
                text = text.replace(secret, "<secret>")
        return text[:300]

    def _json(self, response, label):
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # The request may have worked (a create, even): treat it as an unknown outcome.
            raise ZoomUnavailable(f"Zoom {label}: the answer was not a JSON object")
        return data

    # OAuth token

    def _token(self):
        token = self._cached_token()
        if token:
            return token
        deadline = time.monotonic() + self._lock_wait
        while True:
            if self._cache.add(self._lock_key, 1, timeout=self._lock_ttl):
                try:
                    return self._cached_token() or self._fetch_token()
                finally:
                    self._cache.delete(self._lock_key)
            if time.monotonic() >= deadline:
                logger.warning("Zoom token lock held too long; requesting a token anyway")
                return self._fetch_token()
            time.sleep(TOKEN_POLL_INTERVAL)
            token = self._cached_token()
            if token:
                return token

    def _cached_entry(self):
        entry = self._cache.get(self._token_key)
        return entry if isinstance(entry, dict) else {}

    def _cached_token(self):
        entry = self._cached_entry()
        if entry.get("expires_at", 0) - TOKEN_REFRESH_MARGIN > self._clock():
            return entry.get("access_token")
        return None

    def _drop_token(self, token):
        if self._cached_entry().get("access_token") == token:
            self._cache.delete(self._token_key)

    def _fetch_token(self):
        what = "Zoom OAuth token request"
        try:
            response = self._session.post(
                self.token_url,
                data={"grant_type": "account_credentials", "account_id": self.account_id},
                auth=(self.client_id, self._client_secret),
                headers={"Accept": "application/json"},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise self._transport_error(exc, what) from exc
        if response.status_code != 200:
            code, message = self._error_info(response)
            text = f"{what}: HTTP {response.status_code}" + (f": {message}" if message else "")
            if response.status_code == 429:
                now = datetime.fromtimestamp(self._clock(), UTC)
                retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
                raise ZoomRateLimited(text, retry_after=retry_after, status=429, code=code)
            if 400 <= response.status_code < 500:
                raise ZoomAuthError(text, status=response.status_code, code=code)
            raise ZoomUnavailable(text, status=response.status_code, code=code)
        payload = self._json(response, "OAuth token")
        token = payload.get("access_token")
        if not token:
            raise ZoomUnavailable(f"{what}: the answer has no access token")
        expires_in = float(payload.get("expires_in") or 3600)
        lifetime = expires_in - TOKEN_REFRESH_MARGIN
        if lifetime > 0:
            entry = {"access_token": token, "expires_at": self._clock() + expires_in}
            self._cache.set(self._token_key, entry, timeout=math.ceil(lifetime))
        logger.info("Fetched a Zoom access token valid for %d s", expires_in)
        return token


def _user(zoom_user):
    return quote(str(zoom_user), safe="@")


_client_lock = threading.Lock()
_client = None


def get_client():
    """The configured backend: ``ZoomClient``, or ``SandboxZoomClient`` when there are no
    credentials or ``ZOOM_BACKEND`` is ``"sandbox"``. Both have the same methods.

    The real client is kept while the settings stay the same, so the process reuses one
    HTTP session and its connections.
    """
    global _client
    backend = booking_settings.ZOOM_BACKEND
    if backend not in (None, "zoom", "sandbox"):
        raise ImproperlyConfigured(f'ZOOM_BACKEND must be "zoom", "sandbox" or None: {backend!r}')
    has_credentials = all(
        (
            booking_settings.ZOOM_ACCOUNT_ID,
            booking_settings.ZOOM_CLIENT_ID,
            booking_settings.ZOOM_CLIENT_SECRET,
        )
    )
    if backend == "sandbox" or (backend is None and not has_credentials):
        from .sandbox import SandboxZoomClient

        return SandboxZoomClient()
    config = (
        booking_settings.ZOOM_ACCOUNT_ID,
        booking_settings.ZOOM_CLIENT_ID,
        booking_settings.ZOOM_CLIENT_SECRET,
        booking_settings.ZOOM_API_BASE_URL,
        booking_settings.ZOOM_OAUTH_TOKEN_URL,
        _as_timeout(booking_settings.ZOOM_TIMEOUT),
    )
    with _client_lock:
        if _client is None or _client[0] != config:
            _client = (config, ZoomClient.from_settings())
        return _client[1]
