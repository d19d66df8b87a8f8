"""Booking emails: HTML and text from overridable templates, with the calendar invite.

Templates live in ``wagtail_pmc_booking/emails/``: ``attendee_subject.txt``,
``attendee.txt``, ``attendee.html`` and the same for ``host``; each sees ``change``
("created", "rescheduled", "reassigned", "cancelled", "meeting_ready", or for a host a
reschedule or reassignment took the booking away from, "released"). They are rendered
in the recipient's zone and language (the booking's for the attendee, the host's own for
a host), so ``{{ booking.start|time }}`` is "2:30 p.m." in an English copy and "14:30"
in a German one, and the invite's texts follow the same language. A "released" email sees the
booking as that host last knew it: their time, them as host. docs/emails.md lists the
context each template sees.

Every header is built from cleaned values: a control character in a stored name must
never make a message unsendable or smuggle in a header.
"""

import copy
import re
import zoneinfo
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import languages, links, offers, questions
from ..calendar_links import calendar_links
from ..changes import Change
from ..conf import booking_settings
from ..models import Booking, Host
from ..models.bookings import EventKind
from . import ics

ATTENDEE = "attendee"
HOST = "host"
# A reschedule gave the booking to another host: the former host's copy cancels it.
RELEASED = "released"
# The attendee's email when the Zoom meeting is made after the booking's own email.
MEETING_READY = "meeting_ready"
TEMPLATE_DIR = "wagtail_pmc_booking/emails"
# C0 and C1 controls, DEL and the Unicode line/paragraph separators: all break headers.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r" {2,}")


def build_message(
    booking: Booking, change: str, *, host: Host | None = None, now: datetime | None = None
) -> EmailMultiAlternatives:
    """The email telling ``host`` (or the attendee, when None) about ``change``."""
    audience = HOST if host is not None else ATTENDEE
    recipient_tz = host.timezone if host is not None else booking.attendee_timezone
    language = languages.of_host(host) if host is not None else languages.of_booking(booking)
    co_hosts: list[Host]
    if change == RELEASED:
        if host is None:
            raise ValueError("a released email is a former host's: give the host")
        booking, co_hosts = _as_released(booking, host), []
    else:
        co_hosts = list(booking.co_hosts.all())
    prefix = f"{TEMPLATE_DIR}/{audience}"
    method = ics.CANCEL if change == RELEASED else ics.method_for(booking)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(recipient_tz)):
        context = _context(booking, change, audience, host, co_hosts, recipient_tz, now)
        context["LANGUAGE_CODE"] = language
        subject = one_line(render_to_string(f"{prefix}_subject.txt", context))
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
        # The manage links are the attendee's: a host's copy must not let them cancel.
        invite = ics.invitation(
            booking, co_hosts=co_hosts, method=method, now=now, manage_links=host is None
        )
    message = compose(booking, host, subject, text, html)
    message.attach("invite.ics", invite, f"text/calendar; method={method}")
    return message


def compose(
    booking: Booking, host: Host | None, subject: str, text: str, html: str
) -> EmailMultiAlternatives:
    """The message to ``host`` (or the attendee, when None): replies go to the other side."""
    attendee = address(booking.attendee_name, booking.attendee_email)
    if host is not None:
        to, reply_to = address(host.name, host.email), attendee
    else:
        to, reply_to = attendee, address(booking.host.name, booking.host.email)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=address(*parseaddr(booking_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL)),
        to=[to],
        reply_to=[reply_to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def one_line(value: object) -> str:
    """``value`` with control characters and runs of spaces as single spaces.

    Other spaces stay: French typography puts a no-break space before a colon.
    """
    return _SPACES.sub(" ", _CONTROL.sub(" ", str(value))).strip(" ")


def address(name: str, email: str) -> str:
    """A ``Name <email>`` header value that no stored name or address can break."""
    return formataddr((one_line(name), one_line(email).replace(" ", "")))


def send(
    booking: Booking, change: str, *, host: Host | None = None, now: datetime | None = None
) -> None:
    build_message(booking, change, host=host, now=now).send()


def _context(
    booking: Booking,
    change: str,
    audience: str,
    host: Host | None,
    co_hosts: list[Host],
    recipient_tz: str,
    now: datetime | None,
) -> dict[str, Any]:
    join_url, passcode = ics.join_details(booking) if change != RELEASED else (None, None)
    context: dict[str, Any] = {
        "booking": booking,
        "change": change,
        "audience": audience,
        "meeting_type": booking.meeting_type,
        "host": booking.host,
        "co_hosts": co_hosts,
        "recipient_name": host.name if host is not None else booking.attendee_name,
        "timezone_name": recipient_tz,
        "attendee_timezone": booking.attendee_timezone,
        "join_url": join_url,
        "passcode": passcode,
        "previous": _previous_time(booking) if change == Change.RESCHEDULED else None,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
    }
    if audience == HOST:
        context["answers"] = questions.answer_rows(
            booking.answers, booking.meeting_type.question_list
        )
        context["tracking"] = questions.tracking_rows(booking.tracking)
    if audience == ATTENDEE and booking.is_confirmed:
        context["manage_urls"] = manage = links.manage_urls(booking)
        context["calendar_links"] = calendar_links(booking, manage)
    if audience == ATTENDEE and not booking.is_confirmed:
        context["rebook_options"] = [
            {"start": offer.slot.start, "end": offer.slot.end, "url": offer.url}
            for offer in offers.rebook_offers(booking, now=now)
        ]
    return context


def _previous_time(booking: Booking) -> dict[str, datetime] | None:
    """Where the booking was before its latest move, from the audit trail.

    The latest move is this revision's: an email for an older revision is never sent.
    """
    event = booking.events.filter(kind=EventKind.RESCHEDULED).order_by("-created_at", "-pk").first()
    if event is None:
        return None
    before = event.data.get("from", {})
    try:
        return {
            "start": datetime.fromisoformat(before["start"]),
            "end": datetime.fromisoformat(before["end"]),
        }
    except (KeyError, TypeError, ValueError):
        return None


def _held_time(booking: Booking) -> dict[str, datetime] | None:
    """The time the former host held, from this revision's handover line (a reassignment
    keeps the time; older lines lack it, and the latest move tells it instead)."""
    events = booking.events.filter(kind=EventKind.REASSIGNED).order_by("-created_at", "-pk")
    event = events.first()
    held = (event.data or {}).get("held") if event is not None else None
    if event is None or event.data.get("sequence") != booking.sequence or not held:
        return _previous_time(booking)
    try:
        return {
            "start": datetime.fromisoformat(held["start"]),
            "end": datetime.fromisoformat(held["end"]),
        }
    except (KeyError, TypeError, ValueError):
        return _previous_time(booking)


def _as_released(booking: Booking, host: Host) -> Booking:
    """The booking as ``host`` held it before the handover: their CANCEL must name that
    event.

    Calendars ignore a CANCEL from another ORGANIZER or for another time, so the copy has
    ``host`` as its host and the time they held; UID and SEQUENCE stay current.
    """
    released = copy.copy(booking)
    released.host = host
    previous = _held_time(booking)
    if previous is not None:
        released.start, released.end = previous["start"], previous["end"]
        released.duration_minutes = (released.end - released.start) // timedelta(minutes=1)
    return released
