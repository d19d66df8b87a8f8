"""Which language an attendee or host is spoken to in: one of the site's ``LANGUAGES``.

The booking's language is chosen once, when it is made, and stored: every later email,
invite and reminder is rendered in it, whoever triggers them.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def site_default() -> str:
    return supported(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


def supported(code: object) -> str | None:
    """The site language ``code`` names (``de-DE`` -> ``de``), or None if it offers none."""
    if not isinstance(code, str) or not code.strip():
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def page_language(page: Any) -> str | None:
    """A page's Wagtail locale, when the site translates its pages (``WAGTAIL_I18N_ENABLED``)."""
    if page is None or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return None
    locale = getattr(page, "locale", None)
    return supported(getattr(locale, "language_code", None))


def for_request(request: HttpRequest | None, page: Any = None) -> str:
    """The page's locale, else the browser's ``Accept-Language`` among ``LANGUAGES``
    (or the language cookie), else the site default."""
    chosen = page_language(page)
    if chosen:
        return chosen
    if request is not None:
        return supported(translation.get_language_from_request(request)) or site_default()
    return site_default()


def of_host(host: Any) -> str:
    """The host's own language, else the site default."""
    return supported(getattr(host, "language", "")) or site_default()


def codes() -> str:
    """The site's language codes, for error messages: "en, de, fr"."""
    return ", ".join(code for code, _name in settings.LANGUAGES)


def choices() -> list[tuple[str, str]]:
    """The site's languages, named in their own language (for admin fields)."""
    return [(code, _local_name(code, name)) for code, name in settings.LANGUAGES]


def _local_name(code: str, name: str) -> str:
    try:
        return str(translation.get_language_info(code)["name_local"])
    except KeyError:
        return name


def of_booking(booking: Any) -> str:
    """The language the attendee chose when booking, else the site default."""
    return supported(getattr(booking, "language", "")) or site_default()
