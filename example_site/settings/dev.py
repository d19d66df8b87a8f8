"""Local demo: SQLite, SqliteHuey, console email, sandbox Zoom unless credentials are set."""

from .base import *  # noqa: F403
from .base import SITE_DIR, WAGTAIL_PMC_BOOKING

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo may read a calendar served on this machine (a local Radicale, say).
WAGTAIL_PMC_BOOKING["ALLOW_PRIVATE_URLS"] = True

# The web process and the Huey consumer share the Zoom token, sync locks and the slot
# cache, so the demo needs a cache both processes see (production uses Redis).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pmc_demo_cache",
    }
}

HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "pmc-demo",
    "filename": str(SITE_DIR / "huey.sqlite3"),
    "immediate": False,
}
