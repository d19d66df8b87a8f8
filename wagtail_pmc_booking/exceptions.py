"""Errors of the booking domain, and the one table that says what each means at the edges.

Each ``BookingError`` carries its API ``code`` and HTTP ``status``: the REST API, the
public manage pages and the admin all read them from here (``add_to_form`` for forms),
so an error answers the same wherever it is met.
"""

from typing import Any, ClassVar

from django.forms import BaseForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """Base class; ``code`` is the API error code, ``message`` safe to show anyone."""

    code: ClassVar[str] = "invalid_request"
    status: ClassVar[int] = 400
    default_message: ClassVar[str | Promise] = _("The request is not valid.")

    def __init__(
        self, message: str | Promise | None = None, *, fields: dict[str, list[Any]] | None = None
    ) -> None:
        self.message = str(message or self.default_message)
        self.fields: dict[str, list[Any]] = fields or {}
        super().__init__(self.message)


class InvalidBookingRequest(BookingError):
    """Bad input (unknown duration, timezone, meeting type…); ``fields`` names the culprits."""


class SlotUnavailable(BookingError):
    code = "slot_unavailable"
    status = 409
    default_message = _("That time is no longer available. Please choose another slot.")


class BookingCancelled(BookingError):
    code = "booking_cancelled"
    status = 409
    default_message = _("This booking has been cancelled.")


class BookingChanged(BookingError):
    """Another change (asked with the same manage link) committed first."""

    code = "booking_changed"
    status = 409
    default_message = _("This booking was just changed. Please use the link in your latest email.")


class TooLate(BookingError):
    """The attendee asked inside the meeting type's change cutoff, or after the start."""

    code = "too_late"
    status = 409
    default_message = _(
        "It is too late to change this booking online. Reply to your invitation email to "
        "reach the host."
    )


class BookingNotFound(BookingError):
    code = "not_found"
    status = 404
    default_message = _("No such booking.")


class BookingBusy(BookingError):
    """The database stayed locked through every retry; the caller may simply try again."""

    code = "busy"
    status = 503
    default_message = _("Bookings are busy right now. Please try again in a moment.")


def add_to_form(form: BaseForm, exc: BookingError) -> None:
    """Put a domain error on a Django form: field errors where the form has the field,
    the rest (and the summary, when no field is named) as non-field errors."""
    for name, messages in exc.fields.items():
        form.add_error(name if name in form.fields else None, messages)
    if not exc.fields:
        form.add_error(None, exc.message)
