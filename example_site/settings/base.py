"""Settings shared by the example site's dev and production modules."""

import os
from pathlib import Path

import dj_database_url

SITE_DIR = Path(__file__).resolve().parent.parent

INSTALLED_APPS = [
    "example_site.home",
    "wagtail_pmc_booking",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "huey.contrib.djhuey",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SITE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    os.environ.get("DATABASE_PREPARED_STATEMENTS", "0") == "1"
):
    # Opt-in: parameters bound by the server, and a statement run five times on a
    # connection prepared there. It plans the hot small queries once, but PostgreSQL's
    # generic plans made long listings and concurrent booking slower here; see
    # docs/deployment.md ("Database") for the measurements.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so a booking's re-check and insert are serialized.
    DATABASES["default"]["OPTIONS"] = {"timeout": 10, "transaction_mode": "IMMEDIATE"}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
# The languages the booking widget, emails and reminders are written in (locale/ ships
# de, fr, es and hi); an attendee's Accept-Language picks among them.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("hi", "हिन्दी"),
]
USE_I18N = True

STATIC_URL = "/static/"
STATIC_ROOT = SITE_DIR / "static-collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = SITE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "PMC Booking demo"
# Where the site is, for absolute links (``make demo`` sets it from HOST and PORT); empty
# means: the Wagtail Site of the booking page, else the request.
BASE_URL = os.environ.get("BASE_URL", "")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", BASE_URL)

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bookings@example.com")


def booking_settings_from_env():
    """Zoom credentials and API limits come from the environment; no Zoom keys = sandbox.

    The seconds and the SSRF switch are there for runs against local fakes
    (``benchmarks/scaleout.py``): short Zoom timeouts and retries, loopback webhooks;
    ``SLOTS_CACHE_SECONDS=0`` computes every listing (``benchmarks/api.py``'s cold run).
    """
    keys = [
        "ZOOM_ACCOUNT_ID",
        "ZOOM_CLIENT_ID",
        "ZOOM_CLIENT_SECRET",
        "ZOOM_WEBHOOK_SECRET",
        "ZOOM_API_BASE_URL",
        "ZOOM_OAUTH_TOKEN_URL",
        "API_RATE_LIMIT_PUBLIC",
        "API_RATE_LIMIT_KEY",
    ]
    seconds = ["ZOOM_TIMEOUT", "ZOOM_INLINE_BUDGET_SECONDS", "ZOOM_RETRY_BASE_SECONDS"]
    found = {key: os.environ[key] for key in keys if os.environ.get(key)}
    found.update({key: float(os.environ[key]) for key in seconds if os.environ.get(key)})
    if os.environ.get("SLOTS_CACHE_SECONDS"):
        found["SLOTS_CACHE_SECONDS"] = int(os.environ["SLOTS_CACHE_SECONDS"])
    if os.environ.get("ALLOW_PRIVATE_URLS"):
        found["ALLOW_PRIVATE_URLS"] = os.environ["ALLOW_PRIVATE_URLS"] == "1"
    return found


WAGTAIL_PMC_BOOKING = {
    "BASE_URL": BASE_URL,
    **booking_settings_from_env(),
}
