"""A thin, typed client for the Zoom Meeting API v2 with Server-to-Server OAuth.

Secrets (OAuth tokens, the client secret, ``start_url`` and host keys) stay in here:
responses are reduced to ``Meeting`` before they are returned, error messages are built
from the status and Zoom's error code, and response bodies are never logged.
"""

import copy
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Unpack
from urllib.parse import quote

import requests
from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter

from ..conf import booking_settings
from . import errors, wire
from .errors import INVALID_TOKEN_CODE, ZoomAuthError, ZoomError, ZoomNotFound, ZoomUnavailable
from .oauth import SharedToken
from .wire import Meeting, MeetingChanges, NewMeeting

logger = logging.getLogger(__name__)

# Zoom's largest page; the page bound only stops a server that never ends a listing.
LIST_PAGE_SIZE = 300
LIST_MAX_PAGES = 20

Timeout = tuple[float, float]


def as_timeout(value: object) -> Timeout:
    """``(connect, read)`` seconds from one number or a pair (``ZOOM_TIMEOUT``)."""
    if isinstance(value, list | tuple):
        connect, read = value
        return (float(connect), float(read))
    if isinstance(value, int | float | str):
        return (float(value), float(value))
    raise ImproperlyConfigured(f"ZOOM_TIMEOUT must be seconds or (connect, read): {value!r}")


class ZoomClient:
    """Zoom Meeting API v2 over one ``requests`` session, authenticated as an S2S OAuth app.

    The access token lives in Django's cache so every worker shares it (``oauth``). It is
    replaced a minute before it expires, and once when Zoom rejects it (401 or code 124).
    ``cache`` defaults to Django's default cache; ``clock`` (epoch seconds) lets tests
    move time past a token's expiry.
    """

    is_sandbox = False

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        api_base_url: str,
        token_url: str,
        timeout: object,
        cache: BaseCache | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.account_id = account_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.api_base_url = api_base_url.rstrip("/")
        self.token_url = token_url
        self._cache = default_cache if cache is None else cache
        self._clock = clock
        self._session = requests.Session()
        # Never resend on our own: a repeated POST could create a second meeting.
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, HTTPAdapter(max_retries=0))
        self._set_timeout(as_timeout(timeout))

    def _set_timeout(self, timeout: Timeout) -> None:
        self.timeout = timeout
        # A token request takes at most connect + read timeout; wait that long for another's.
        self._token = SharedToken(
            account_id=self.account_id,
            client_id=self.client_id,
            token_url=self.token_url,
            cache=self._cache,
            clock=self._clock,
            lock_wait=sum(timeout) + 0.5,
        )

    @classmethod
    def from_settings(cls) -> "ZoomClient":
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

    def with_timeout(self, timeout: Timeout) -> "ZoomClient":
        """This client with other timeouts, on the same session (its pooled connections)."""
        bounded = copy.copy(self)
        bounded._set_timeout(timeout)
        return bounded

    def __repr__(self) -> str:
        return f"<ZoomClient account={self.account_id!r} api={self.api_base_url!r}>"

    # Meetings

    def create_meeting(self, zoom_user: str, **fields: Unpack[NewMeeting]) -> Meeting:
        """Schedule a meeting for ``zoom_user`` (a Zoom user id or email).

        Not idempotent: after ``ZoomUnavailable`` look the meeting up by its agenda marker
        before creating it again.
        """
        body = wire.create_body(**fields)
        label = "POST /users/{userId}/meetings"
        response = self._call("POST", f"/users/{_user(zoom_user)}/meetings", label, json=body)
        return wire.meeting_from_api(self._json(response, label))

    def get_meeting(self, meeting_id: int) -> Meeting:
        label = "GET /meetings/{meetingId}"
        response = self._call("GET", f"/meetings/{int(meeting_id)}", label)
        return wire.meeting_from_api(self._json(response, label))

    def update_meeting(self, meeting_id: int, **fields: Unpack[MeetingChanges]) -> None:
        """Change the given fields (the keyword arguments of ``create_meeting``)."""
        body = wire.meeting_fields(**fields)
        if body:
            self._call(
                "PATCH", f"/meetings/{int(meeting_id)}", "PATCH /meetings/{meetingId}", json=body
            )

    def delete_meeting(self, meeting_id: int) -> None:
        """Delete a meeting; one that is already gone counts as deleted."""
        try:
            self._call("DELETE", f"/meetings/{int(meeting_id)}", "DELETE /meetings/{meetingId}")
        except ZoomNotFound:
            logger.info("Zoom meeting %s was already gone", meeting_id)

    def list_upcoming_meetings(self, zoom_user: str) -> list[Meeting]:
        label = "GET /users/{userId}/meetings"
        path = f"/users/{_user(zoom_user)}/meetings"
        params: dict[str, str | int] = {"type": "upcoming", "page_size": LIST_PAGE_SIZE}
        meetings: list[Meeting] = []
        for _ in range(LIST_MAX_PAGES):
            data = self._json(self._call("GET", path, label, params=params), label)
            meetings.extend(wire.meeting_from_api(item) for item in data.get("meetings") or [])
            next_page = data.get("next_page_token")
            if not next_page:
                return meetings
            params = {**params, "next_page_token": next_page}
        raise ZoomError(f"Zoom {label}: still more pages after {LIST_MAX_PAGES}")

    def find_meeting_by_agenda_marker(self, zoom_user: str, marker: str) -> Meeting | None:
        """The upcoming meeting of ``zoom_user`` whose agenda holds ``[pmc:<marker>]``.

        ``marker`` is a booking's public id (``bk_…``), see ``agenda_marker``. Listings may
        leave the agenda out, so meetings listed without one are fetched to be sure.
        """
        tag = wire.agenda_marker(marker)
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

    def get_start_url(self, meeting_id: int) -> str:
        """The host's start link, fetched fresh because it expires; never store or log it."""
        label = "GET /meetings/{meetingId}"
        data = self._json(self._call("GET", f"/meetings/{int(meeting_id)}", label), label)
        if not data.get("start_url"):
            raise ZoomError(f"Zoom {label}: the answer has no start link")
        return str(data["start_url"])

    def clear_token(self) -> None:
        """Forget the shared token, e.g. after the credentials changed."""
        self._token.clear()

    # HTTP

    def _call(
        self,
        method: str,
        path: str,
        label: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str | int] | None = None,
    ) -> requests.Response:
        token = self._token.get(self._fetch_token)
        response = self._send(method, path, label, token, json, params)
        if errors.rejects_token(response, self._scrub):
            self._token.drop(token)
            token = self._token.get(self._fetch_token)
            response = self._send(method, path, label, token, json, params)
            if errors.rejects_token(response, self._scrub):
                raise ZoomAuthError(
                    f"Zoom {label}: a fresh access token was rejected too",
                    status=response.status_code,
                    code=INVALID_TOKEN_CODE,
                )
        if 200 <= response.status_code < 300:
            return response
        raise errors.api_error(response, label, self._now(), self._scrub)

    def _send(
        self,
        method: str,
        path: str,
        label: str,
        token: str,
        json: dict[str, Any] | None,
        params: dict[str, str | int] | None,
    ) -> requests.Response:
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
            raise errors.transport_error(exc, f"Zoom {label}", self.timeout) from exc
        logger.debug(
            "Zoom %s: HTTP %s in %.0f ms",
            label,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _scrub(self, text: str) -> str:
        return errors.scrub(text, (self._client_secret, self._token.entry().get("access_token")))

    def _json(self, response: requests.Response, label: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # The request may have worked (a create, even): treat it as an unknown outcome.
            raise ZoomUnavailable(f"Zoom {label}: the answer was not a JSON object")
        return data

    def _fetch_token(self) -> str:
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
            raise errors.transport_error(exc, what, self.timeout) from exc
        if response.status_code != 200:
            raise errors.token_error(response, what, self._now(), self._scrub)
        payload = self._json(response, "OAuth token")
        token = payload.get("access_token")
        if not token:
            raise ZoomUnavailable(f"{what}: the answer has no access token")
        expires_in = float(payload.get("expires_in") or 3600)
        self._token.store(str(token), expires_in)
        logger.info("Fetched a Zoom access token valid for %d s", expires_in)
        return str(token)


def _user(zoom_user: str) -> str:
    return quote(str(zoom_user), safe="@")
