"""Every setting of the app, read from one ``WAGTAIL_PMC_BOOKING`` dict over defaults.

``booking_settings.NAME`` is cached and the cache is dropped on ``setting_changed`` so
``override_settings(WAGTAIL_PMC_BOOKING={...})`` works in tests.
"""

from django.conf import settings
from django.core.signals import setting_changed

SETTINGS_NAME = "WAGTAIL_PMC_BOOKING"

DEFAULTS = {
    # Meeting lengths (minutes) a host or meeting type may offer.
    "DURATION_CHOICES": [15, 30, 45, 60],
    # Absolute site URL used in emails and API answers ("https://example.com").
    "BASE_URL": "",
    "FROM_EMAIL": None,
    # CSP ``frame-ancestors`` of the embeddable widget, e.g. "https://www.example.com";
    # "*" lets any site embed it.
    "EMBED_FRAME_ANCESTORS": "*",
    # Where the widget finds the REST API when its URL name cannot be reversed.
    "API_BASE_PATH": "/v1/",
    # Seconds a computed slot list is reused (0 turns the cache off); any change to
    # bookings, hosts, windows, out-of-office or meeting types drops it at once.
    "SLOTS_CACHE_SECONDS": 60,
    # Longest range of days one slot request may cover.
    "MAX_SLOT_RANGE_DAYS": 62,
    # Zoom Server-to-Server OAuth; without credentials the sandbox backend is used.
    "ZOOM_ACCOUNT_ID": "",
    "ZOOM_CLIENT_ID": "",
    "ZOOM_CLIENT_SECRET": "",
    "ZOOM_WEBHOOK_SECRET": "",
    "ZOOM_API_BASE_URL": "https://api.zoom.us/v2",
    "ZOOM_OAUTH_TOKEN_URL": "https://zoom.us/oauth/token",
    # (connect, read) timeouts in seconds for every Zoom call.
    "ZOOM_TIMEOUT": (3.05, 10.0),
    # Total time the web request may spend creating a meeting before it is queued.
    "ZOOM_INLINE_BUDGET_SECONDS": 3.0,
    # "zoom", "sandbox" or None (auto: "zoom" when credentials are set).
    "ZOOM_BACKEND": None,
    # How often (minutes) the periodic Huey task reconciles Zoom meetings.
    "ZOOM_RESYNC_INTERVAL_MINUTES": 5,
    # REST API rate limits, "<count>/<second|minute|hour|day>" or None for no limit:
    # per client IP on public endpoints, per key for requests with an API key.
    "API_RATE_LIMIT_PUBLIC": "60/minute",
    "API_RATE_LIMIT_KEY": "600/minute",
    # The attendee's manage, rebook and invite pages, per client IP (same format).
    "MANAGE_RATE_LIMIT": "60/minute",
    # Hours an ``Idempotency-Key`` of POST /v1/bookings is remembered (at least 24).
    "IDEMPOTENCY_KEY_TTL_HOURS": 48,
    # Largest request body the REST API reads (bytes); larger ones get 413.
    "API_MAX_BODY_BYTES": 65536,
    # Reverse proxies in front of the site that append to X-Forwarded-For; 0 trusts none
    # and uses REMOTE_ADDR as the client IP for rate limits.
    "API_TRUSTED_PROXY_COUNT": 0,
    # A meeting someone deleted in Zoom is created again (True) or left deleted (False).
    "ZOOM_RECREATE_DELETED": True,
    # Failed attempts after which a meeting Zoom keeps refusing (credentials, bad request)
    # waits for "resync now"; Zoom being down is retried until the meeting's time.
    "ZOOM_MAX_ATTEMPTS": 8,
    # The key host calendar passwords are encrypted with (any string); empty: SECRET_KEY.
    "CALENDAR_ENCRYPTION_KEY": "",
    # How often (minutes) the periodic Huey task reads every host calendar again.
    "CALENDAR_REFRESH_MINUTES": 5,
    # Days ahead read from host calendars; None: the longest booking horizon of any
    # active meeting type.
    "CALENDAR_LOOKAHEAD_DAYS": None,
    # Busy times older than this (seconds) are read again before a booking is written,
    # within CALENDAR_BOOKING_BUDGET_SECONDS; a calendar slower than that is not waited for.
    "CALENDAR_STALE_SECONDS": 120,
    "CALENDAR_BOOKING_BUDGET_SECONDS": 2.0,
    # One calendar read: at most this many seconds and bytes.
    "CALENDAR_TIMEOUT_SECONDS": 10.0,
    "CALENDAR_MAX_BYTES": 10 * 1024 * 1024,
    # Outbound URLs (calendars, webhooks) that resolve to loopback, private or link-local
    # addresses are refused unless this is True (SSRF guard; tests and the demo set it).
    "ALLOW_PRIVATE_URLS": False,
    # Retry delays: exponential from the base, capped, jittered; Retry-After wins.
    "ZOOM_RETRY_BASE_SECONDS": 30,
    "ZOOM_RETRY_MAX_SECONDS": 3600,
    # Without PostgreSQL, one booking's sync is locked in Django's cache for at most this
    # long (seconds); the cache must be shared by web and worker processes.
    "ZOOM_LOCK_SECONDS": 600,
    # Outbound webhooks: one POST may take this long (seconds); a failing delivery is
    # retried with exponential backoff (base, capped, jittered) for this many hours, and
    # an endpoint failing for this many days straight is disabled.
    "WEBHOOK_TIMEOUT_SECONDS": 5.0,
    "WEBHOOK_RETRY_BASE_SECONDS": 60,
    "WEBHOOK_RETRY_MAX_SECONDS": 6 * 3600,
    "WEBHOOK_RETRY_HOURS": 24,
    "WEBHOOK_DISABLE_AFTER_DAYS": 3,
    # A sender's claim on a delivery older than this (seconds) is taken again: the
    # sender died mid-delivery. Longer than WEBHOOK_TIMEOUT_SECONDS.
    "WEBHOOK_CLAIM_LEASE_SECONDS": 60,
    # Zoom attendance: with no ``meeting.ended`` from Zoom, decide this long after the
    # booking's scheduled end.
    "ATTENDANCE_GRACE_MINUTES": 30,
}


class BookingSettings:
    def __init__(self, defaults):
        self._defaults = defaults
        self._cache = {}

    def __getattr__(self, name):
        if name not in self._defaults:
            raise AttributeError(f"Unknown {SETTINGS_NAME} setting: {name!r}")
        if name not in self._cache:
            user = getattr(settings, SETTINGS_NAME, {}) or {}
            self._cache[name] = user.get(name, self._defaults[name])
        return self._cache[name]

    def reload(self):
        self._cache.clear()


booking_settings = BookingSettings(DEFAULTS)


def _reload(*, setting, **kwargs):
    if setting == SETTINGS_NAME:
        booking_settings.reload()


setting_changed.connect(_reload)
