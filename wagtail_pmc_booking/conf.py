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
