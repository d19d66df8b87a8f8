"""Local demo: SQLite, SqliteHuey, console email, sandbox Zoom unless credentials are set."""

from .base import *  # noqa: F403
from .base import SITE_DIR

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "pmc-demo",
    "filename": str(SITE_DIR / "huey.sqlite3"),
    "immediate": False,
}
