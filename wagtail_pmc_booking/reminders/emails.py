"""Reminder emails: the attendee's in the booking's language and zone, a host's in theirs.

Templates in ``wagtail_pmc_booking/emails/``: ``reminder_subject.txt``, ``reminder.txt``
and ``reminder.html``; they see ``audience`` ("attendee" or "host") and ``starts_in``
("in 1 hour"). The attendee's copy carries the Zoom link and passcode (or "on its way"),
the reschedule and cancel links and the add-to-calendar links; a host's shows the time in
the host's zone and the attendee's. Headers are built with the booking emails' helpers.
"""

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .. import languages, links
from ..calendar_links import calendar_links
from ..models import Booking, Host, Reminder
from ..notifications.emails import ATTENDEE, HOST, TEMPLATE_DIR, compose, one_line

MINUTES_PER_DAY = 24 * 60
# Every reminder carries it, with its offset in minutes: ``X-PMC-Reminder: 60``.
REMINDER_HEADER = "X-PMC-Reminder"


def starts_in(minutes: int) -> str:
    """ "in 1 day", "in 2 hours", "in 90 minutes": the offset in its largest whole unit."""
    if minutes % MINUTES_PER_DAY == 0:
        days = minutes // MINUTES_PER_DAY
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}
    return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}


def language_of(reminder: Reminder, booking: Booking) -> str:
    return languages.of_host(reminder.host) if reminder.host else languages.of_booking(booking)


def build_message(reminder: Reminder, booking: Booking) -> EmailMultiAlternatives:
    """The email of ``reminder`` (a host's when it has a host, else the attendee's)."""
    host = reminder.host
    language = language_of(reminder, booking)
    recipient_tz = host.timezone if host is not None else booking.attendee_timezone
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(recipient_tz)):
        context = _context(reminder, booking, host, language, recipient_tz)
        subject = one_line(render_to_string(f"{TEMPLATE_DIR}/reminder_subject.txt", context))
        text = render_to_string(f"{TEMPLATE_DIR}/reminder.txt", context)
        html = render_to_string(f"{TEMPLATE_DIR}/reminder.html", context)
    message = compose(booking, host, subject, text, html)
    # Mail rules (and tests) can tell a reminder from other mail in any language.
    message.extra_headers[REMINDER_HEADER] = str(reminder.minutes_before)
    return message


def _context(
    reminder: Reminder, booking: Booking, host: Host | None, language: str, recipient_tz: str
) -> dict[str, Any]:
    join_url, passcode = links.join_details(booking)
    context: dict[str, Any] = {
        "LANGUAGE_CODE": language,
        "booking": booking,
        "change": "reminder",
        "audience": HOST if host is not None else ATTENDEE,
        "meeting_type": booking.meeting_type,
        "host": booking.host,
        "co_hosts": list(booking.co_hosts.all()),
        "recipient_name": host.name if host is not None else booking.attendee_name,
        "timezone_name": recipient_tz,
        "attendee_timezone": booking.attendee_timezone,
        "join_url": join_url,
        "passcode": passcode,
        "starts_in": starts_in(reminder.minutes_before),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
    }
    if host is None:
        manage = links.manage_urls(booking)
        context["manage_urls"] = manage
        context["calendar_links"] = calendar_links(booking, manage)
    return context
