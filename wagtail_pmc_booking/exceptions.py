"""Errors of the booking domain, translated to form errors and HTTP answers at the edges."""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """Base class; ``code`` is the API error code, ``message`` safe to show anyone."""

    code = "invalid_request"
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, fields=None):
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidBookingRequest(BookingError):
    """Bad input (unknown duration, timezone, meeting type…); ``fields`` names the culprits."""


class SlotUnavailable(BookingError):
    code = "slot_unavailable"
    default_message = _("That time is no longer available. Please choose another slot.")


class BookingCancelled(BookingError):
    code = "booking_cancelled"
    default_message = _("This booking has been cancelled.")


class BookingChanged(BookingError):
    """Another change (asked with the same manage link) committed first."""

    code = "booking_changed"
    default_message = _("This booking was just changed. Please use the link in your latest email.")


class BookingNotFound(BookingError):
    code = "not_found"
    default_message = _("No such booking.")
