"""Field validators shared by models, forms and the API."""

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .conf import booking_settings

MAX_MINUTES = 24 * 60


# The IANA regions of geographic zones. Names outside them (``localtime``, ``Factory``,
# ``EST5EDT``, ``Etc/GMT+5``, the ``US/…`` aliases) are legacy or not places at all: an
# attendee or host lives in ``Area/Location``, or uses ``UTC``.
GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


def is_geographic(name: str) -> bool:
    area, sep, location = name.partition("/")
    return name == "UTC" or (bool(sep) and bool(location) and area in GEOGRAPHIC_AREAS)


@lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    """Every zone a host or attendee may use: geographic IANA names and ``UTC``."""
    return frozenset(name for name in zoneinfo.available_timezones() if is_geographic(name))


def validate_timezone(value):
    if value not in available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known IANA timezone, e.g. Europe/Berlin."),
            code="invalid_timezone",
            params={"value": value},
        )


def validate_minutes(value):
    """Buffers and notice are minutes between 0 and 24 hours."""
    if value is None:
        return
    if value < 0 or value > MAX_MINUTES:
        raise ValidationError(
            _("Enter a number of minutes between 0 and %(max)s."),
            code="minutes_out_of_range",
            params={"max": MAX_MINUTES},
        )


def validate_durations(value):
    allowed = booking_settings.DURATION_CHOICES
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one meeting length."), code="durations_empty")
    bad = [d for d in value if not isinstance(d, int) or isinstance(d, bool) or d not in allowed]
    if bad:
        raise ValidationError(
            _("Meeting lengths must be among %(allowed)s minutes."),
            code="durations_invalid",
            params={"allowed": ", ".join(str(d) for d in allowed)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each meeting length may be listed once."), code="durations_dup")


# A reminder at most two weeks ahead; more would outlive most booking horizons' purpose.
MAX_REMINDER_MINUTES = 14 * 24 * 60
MAX_REMINDERS = 5


def validate_reminder_minutes(value):
    """A short list of distinct minute offsets before the start, e.g. ``[1440, 60]``."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the reminders as a list of minutes."), code="reminders_type")
    bad = [
        m
        for m in value
        if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= MAX_REMINDER_MINUTES
    ]
    if bad:
        raise ValidationError(
            _("Each reminder is a whole number of minutes between 1 and %(max)s."),
            code="reminders_invalid",
            params={"max": MAX_REMINDER_MINUTES},
        )
    if len(set(value)) != len(value) or len(value) > MAX_REMINDERS:
        raise ValidationError(
            _("List at most %(count)s different reminders."),
            code="reminders_dup",
            params={"count": MAX_REMINDERS},
        )


def validate_language(value):
    """One of the site's ``LANGUAGES`` (or empty: the site default)."""
    if value and value not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(
            _("“%(value)s” is not one of this site's languages."),
            code="invalid_language",
            params={"value": value},
        )
