"""Which Zoom a booking's meeting is made on, and how long a web request may wait for it.

The sandbox stands in when there are no credentials (or ``ZOOM_BACKEND = "sandbox"``),
and a sandbox booking's meetings stay in the sandbox for life. The real client is kept
per process while the settings stay the same, so its HTTP session and connections are
reused by every call, budgeted or not.
"""

import threading
import time
from typing import Protocol, Unpack

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from ..conf import booking_settings
from ..models import Booking, ZoomMeeting
from .client import ZoomClient, as_timeout
from .errors import ZoomAuthError, ZoomNotFound, ZoomUnavailable
from .sandbox import SandboxZoomClient
from .wire import Meeting, MeetingChanges, NewMeeting

# An inline call is not started with less than this left of the budget.
MIN_CALL_SECONDS = 0.2


class ZoomBackend(Protocol):
    """The methods ``ZoomClient`` and ``SandboxZoomClient`` share."""

    @property
    def is_sandbox(self) -> bool: ...

    def create_meeting(self, zoom_user: str, **fields: Unpack[NewMeeting]) -> Meeting: ...

    def get_meeting(self, meeting_id: int) -> Meeting: ...

    def update_meeting(self, meeting_id: int, **fields: Unpack[MeetingChanges]) -> None: ...

    def delete_meeting(self, meeting_id: int) -> None: ...

    def list_upcoming_meetings(self, zoom_user: str) -> list[Meeting]: ...

    def find_meeting_by_agenda_marker(self, zoom_user: str, marker: str) -> Meeting | None: ...

    def get_start_url(self, meeting_id: int) -> str: ...


class BudgetSpent(ZoomUnavailable):
    """The web request's time for Zoom ran out; a worker carries on without waiting."""


_client_lock = threading.Lock()
_client: tuple[tuple[object, ...], ZoomClient] | None = None


def get_client() -> ZoomBackend:
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
        return SandboxZoomClient()
    config = (
        booking_settings.ZOOM_ACCOUNT_ID,
        booking_settings.ZOOM_CLIENT_ID,
        booking_settings.ZOOM_CLIENT_SECRET,
        booking_settings.ZOOM_API_BASE_URL,
        booking_settings.ZOOM_OAUTH_TOKEN_URL,
        as_timeout(booking_settings.ZOOM_TIMEOUT),
    )
    with _client_lock:
        if _client is None or _client[0] != config:
            _client = (config, ZoomClient.from_settings())
        return _client[1]


class BudgetedClient:
    """The real client for a web request: no call outlasts what is left of the budget.

    Each call goes out with connect and read timeouts cut to the time left, over the
    process's one session; a call is not started once too little is left
    (``BudgetSpent``).
    """

    is_sandbox = False

    def __init__(self, client: ZoomClient, seconds: float):
        self._real = client
        self._deadline = time.monotonic() + float(seconds)

    def _client(self) -> ZoomClient:
        left = self._deadline - time.monotonic()
        if left < MIN_CALL_SECONDS:
            raise BudgetSpent(_("The time for Zoom in this request ran out."))
        connect, read = self._real.timeout
        return self._real.with_timeout((min(connect, left), min(read, left)))

    def create_meeting(self, zoom_user: str, **fields: Unpack[NewMeeting]) -> Meeting:
        return self._client().create_meeting(zoom_user, **fields)

    def get_meeting(self, meeting_id: int) -> Meeting:
        return self._client().get_meeting(meeting_id)

    def update_meeting(self, meeting_id: int, **fields: Unpack[MeetingChanges]) -> None:
        self._client().update_meeting(meeting_id, **fields)

    def delete_meeting(self, meeting_id: int) -> None:
        self._client().delete_meeting(meeting_id)

    def list_upcoming_meetings(self, zoom_user: str) -> list[Meeting]:
        return self._client().list_upcoming_meetings(zoom_user)

    def find_meeting_by_agenda_marker(self, zoom_user: str, marker: str) -> Meeting | None:
        return self._client().find_meeting_by_agenda_marker(zoom_user, marker)

    def get_start_url(self, meeting_id: int) -> str:
        return self._client().get_start_url(meeting_id)


def backend_for(booking: Booking, budget: float | None = None) -> ZoomBackend:
    """The backend a booking's meetings live on: the sandbox for a sandbox booking, for life.

    Otherwise the configured one, cut to ``budget`` seconds when it is the real Zoom.
    """
    if booking.is_sandbox:
        return SandboxZoomClient()
    client = get_client()
    if budget is not None and isinstance(client, ZoomClient):
        return BudgetedClient(client, budget)
    return client


def client_for(booking: Booking, record: ZoomMeeting | None, default: ZoomBackend) -> ZoomBackend:
    """An existing meeting is handled by the backend that made it; a sandbox booking's
    meetings never leave the sandbox."""
    if booking.is_sandbox or (record is not None and record.is_sandbox):
        return default if default.is_sandbox else SandboxZoomClient()
    if default.is_sandbox and record is not None and record.zoom_meeting_id:
        real = get_client()
        if real.is_sandbox:
            raise ZoomAuthError(_("Zoom credentials are needed to change this Zoom meeting."))
        return real
    return default


def start_link(record: ZoomMeeting) -> str:
    """The host's start link for ``record``'s meeting, fresh from the backend that made it."""
    if record.zoom_meeting_id is None:
        raise ZoomNotFound(_("This booking has no Zoom meeting."))
    client = client_for(record.booking, record, get_client())
    return client.get_start_url(record.zoom_meeting_id)
