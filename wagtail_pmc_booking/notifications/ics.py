"""iCalendar invitations (RFC 5545/5546) for a booking.

One ``UID`` per booking for its whole life and ``SEQUENCE`` = ``booking.sequence``, so a
calendar updates the event it already holds on a reschedule and removes it on a cancel
instead of adding a second one. The ``ORGANIZER`` is the booking's (primary) host, the
same in every copy. Emails and downloads share one writer, so they never disagree.

A confirmed booking's event carries a ``VALARM`` at the meeting type's first reminder
offset, and its ``DESCRIPTION`` the attendee's reschedule and cancel links (not in the
copy written into a host's calendar, which others may read).
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress

from .. import links
from ..conf import booking_settings
from ..links import join_details as join_details  # emails and views read it here
from ..models import Booking, Host

PRODID = "-//wagtail-pmc-booking//Booking//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def uid(booking: Booking) -> str:
    """Stable for the booking's whole life: ``<public id>@<site host>``."""
    domain = urlsplit(booking_settings.BASE_URL or "").hostname or "wagtail-pmc-booking"
    return f"{booking.public_id}@{domain}"


def method_for(booking: Booking) -> str:
    return REQUEST if booking.is_confirmed else CANCEL


def invitation(
    booking: Booking,
    *,
    co_hosts: Iterable[Host] = (),
    method: str | None = None,
    now: datetime | None = None,
    manage_links: bool = True,
) -> str:
    """The emailed ``.ics``: ``METHOD:REQUEST`` while confirmed, ``METHOD:CANCEL`` after.

    ``method`` overrides it, e.g. ``CANCEL`` for a host the booking was moved away from;
    ``manage_links`` False leaves the attendee's reschedule and cancel links out.
    """
    method = method or method_for(booking)
    return _calendar(booking, co_hosts, method, now, manage_links=manage_links).decode("utf-8")


def attendee_invite(booking: Booking, *, now: datetime | None = None) -> bytes:
    """The attendee's current invite as a file to download, ``METHOD:PUBLISH``.

    PUBLISH because a download is not a message that asks for a reply; its UID, SEQUENCE
    and ORGANIZER are the emailed invite's, so importing it updates that same event.
    RFC 5546 allows no ATTENDEE in a PUBLISH, so it lists none.
    """
    return _calendar(booking, (), PUBLISH, now, manage_links=True)


def calendar_object(
    booking: Booking, *, co_hosts: Iterable[Host] = (), now: datetime | None = None
) -> bytes:
    """The invite's event as a CalDAV calendar object resource (write-back to a host's
    calendar): the emailed VEVENT, same UID and SEQUENCE, but no ``METHOD``, which
    RFC 4791 section 4.1 forbids in a stored object, and no attendee manage links."""
    return _calendar(booking, co_hosts, REQUEST, now, with_method=False, manage_links=False)


def _calendar(
    booking: Booking,
    co_hosts: Iterable[Host],
    method: str,
    now: datetime | None,
    *,
    with_method: bool = True,
    manage_links: bool,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if with_method:
        calendar.add("method", method)
    event = _event(booking, co_hosts, method, now or timezone.now(), manage_links=manage_links)
    calendar.add_component(event)
    return calendar.to_ical()


def _event(
    booking: Booking,
    co_hosts: Iterable[Host],
    method: str,
    now: datetime,
    *,
    manage_links: bool,
) -> Event:
    host = booking.host
    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add(
        "summary",
        _("%(meeting)s: %(attendee)s and %(host)s")
        % {"meeting": booking.meeting_type.name, "attendee": booking.attendee_name, "host": host},
    )
    cancelled = method == CANCEL or not booking.is_confirmed
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(host.email, host.name))
    if method != PUBLISH:
        event.add(
            "attendee", _address(booking.attendee_email, booking.attendee_name, attendee=True)
        )
        for co_host in co_hosts:
            event.add("attendee", _address(co_host.email, co_host.name, attendee=True))
    join_url, passcode = join_details(booking) if not cancelled else (None, None)
    lines = [booking.meeting_type.name]
    if join_url:
        event.add("location", join_url)
        event.add("url", join_url)
        lines.append(_("Join Zoom meeting: %(url)s") % {"url": join_url})
        if passcode:
            lines.append(_("Passcode: %(passcode)s") % {"passcode": passcode})
    if manage_links and not cancelled:
        manage = links.manage_urls(booking)
        lines.append(_("Reschedule: %(url)s") % {"url": manage["reschedule"]})
        lines.append(_("Cancel: %(url)s") % {"url": manage["cancel"]})
    event.add("description", "\n".join(lines))
    event.add("last-modified", (booking.updated_at or now).astimezone(UTC))
    offsets = booking.meeting_type.reminder_minutes
    if offsets and not cancelled:
        event.add_component(_alarm(offsets[0], str(event["summary"])))
    return event


def _alarm(minutes: int, summary: str) -> Alarm:
    """A display alarm ``minutes`` before the start (the first reminder's offset)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(minutes=-minutes))
    alarm.add("description", summary)
    return alarm


def _address(email: str, name: str, *, attendee: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = str(name)
    if attendee:
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "ACCEPTED"
        address.params["RSVP"] = "FALSE"
    return address
