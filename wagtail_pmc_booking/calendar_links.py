""" "Add to calendar" links: Google Calendar and Outlook's event templates, and the .ics.

One builder for the confirmation, the manage pages, emails and reminders. The texts are
rendered in the active language, so callers wrap it in the attendee's.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .links import absolute_url, join_details, manage_path, manage_token_for
from .models import Booking

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"
OFFICE365 = "https://outlook.office.com/calendar/0/action/compose"


def _google_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _outlook_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def title(booking: Booking) -> str:
    return _("%(meeting)s with %(host)s") % {
        "meeting": booking.meeting_type.name,
        "host": booking.host.name,
    }


def details(booking: Booking, manage: dict[str, str]) -> str:
    """The event's text: the Zoom link and passcode (once made) and the manage links."""
    join_url, passcode = join_details(booking)
    lines = [booking.meeting_type.name]
    if join_url:
        lines.append(_("Join Zoom meeting: %(url)s") % {"url": join_url})
        if passcode:
            lines.append(_("Passcode: %(passcode)s") % {"passcode": passcode})
    elif booking.meeting_type.zoom_enabled:
        lines.append(_("Your Zoom link is on its way."))
    if "reschedule" in manage:
        lines.append(_("Reschedule: %(url)s") % {"url": manage["reschedule"]})
    if "cancel" in manage:
        lines.append(_("Cancel: %(url)s") % {"url": manage["cancel"]})
    return "\n".join(lines)


def calendar_links(booking: Booking, manage: dict[str, str]) -> dict[str, str]:
    """``google``, ``outlook`` (Outlook.com), ``office365`` (Microsoft 365) and ``ics``.

    ``manage`` is ``links.manage_urls(booking)``; its links go into the event's text.
    """
    text, body = title(booking), details(booking, manage)
    join_url, _passcode = join_details(booking)
    location = join_url or _("Zoom video call")
    google = {
        "action": "TEMPLATE",
        "text": text,
        "dates": f"{_google_time(booking.start)}/{_google_time(booking.end)}",
        "details": body,
        "location": location,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": text,
        "startdt": _outlook_time(booking.start),
        "enddt": _outlook_time(booking.end),
        "body": body,
        "location": location,
    }
    invite = absolute_url(manage_path("invite", manage_token_for(booking)), booking=booking)
    return {
        "google": f"{GOOGLE}?{urlencode(google)}",
        "outlook": f"{OUTLOOK}?{urlencode(outlook)}",
        "office365": f"{OFFICE365}?{urlencode(outlook)}",
        "ics": invite,
    }
