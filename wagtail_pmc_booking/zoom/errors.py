"""Named Zoom failures, so callers decide retry-or-give-up by type, not by status code.

Messages are built by the client from the HTTP status, Zoom's error code and Zoom's short
error message with URLs removed; they never carry OAuth tokens, the client secret,
``start_url`` or host keys, so they are safe to store in ``last_error`` and to log.
"""


class ZoomError(Exception):
    """Any failure talking to Zoom."""

    def __init__(self, message, *, status=None, code=None):
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

    def __init__(self, message, *, retry_after=None, daily=False, status=None, code=None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after
        self.daily = daily


class ZoomNotFound(ZoomError):
    """The meeting or user does not exist (HTTP 404, Zoom codes 1001 and 3001)."""


class ZoomAuthError(ZoomError):
    """The credentials or the app's scopes are wrong; retrying will not help."""


class ZoomBadRequest(ZoomError):
    """Zoom rejected the request itself (other 4xx); retrying it unchanged will not help."""
