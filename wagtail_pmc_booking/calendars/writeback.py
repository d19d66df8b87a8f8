"""Write bookings into hosts' CalDAV calendars (RFC 4791): PUT, update, DELETE.

The booking is the truth for the events this product owns: each write brings the
calendars in line with it. A confirmed booking has one event in every ``write_bookings``
CalDAV calendar of its hosts; a cancelled one has none; a calendar it left (another host,
write-back turned off) loses its event. The event is the emailed invite's VEVENT
(``ics.calendar_object``), so a calendar that also got the invite sees one event.

Two writers cannot make two events: the resource name comes from the booking's public id
(one href per calendar), a new event is PUT with ``If-None-Match: *``, and the
``(booking, calendar)`` row is unique; a writer whose conditional PUT meets an object
already there takes it over. So no database lock is held over the network (a row lock
would make a slow calendar hold up the booking writer or the other task for seconds).
"""

import logging
import re
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from .. import audit, outbound
from ..models import Booking, CalendarEvent, HostCalendar
from ..models.bookings import EventKind
from ..models.calendars import CalendarKind
from ..notifications import ics
from . import fetch

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_GONE = (404, 410)
_WRITTEN = (200, 201, 204)


class WriteFailed(Exception):
    """Some calendars of the booking could not be written; the message names them."""


class _Refused(Exception):
    """The server answered with an error status; the message is that status."""


def _request(
    method: str,
    calendar: HostCalendar,
    href: str,
    *,
    headers: dict[str, str],
    data: bytes | None = None,
) -> outbound.Response:
    """The one HTTP call of write-back: through the SSRF guard, with its limits."""
    auth = fetch.credentials(calendar)
    return outbound.request(method, href, auth=auth, headers=headers, data=data)


def write_booking(booking_pk: int, *, rewrite: bool = False) -> None:
    """Add, update or remove the booking's events; ``rewrite`` even at the same SEQUENCE
    (its Zoom meeting arrived later). Raises ``WriteFailed`` after trying every calendar
    when some failed (each failure is in the audit trail); never changes the booking."""
    booking = (
        Booking.objects.select_related("host", "meeting_type", "meeting")
        .filter(pk=booking_pk)
        .first()
    )
    if booking is None:
        return
    co_hosts = list(booking.co_hosts.all())
    desired = _desired_calendars(booking, [booking.host_id, *(h.pk for h in co_hosts)])
    existing = {event.calendar_id: event for event in _events_of(booking)}
    failed: list[str] = []
    for calendar in desired:
        event = existing.pop(calendar.pk, None)
        if event is not None and event.sequence == booking.sequence and not rewrite:
            continue
        body = ics.calendar_object(booking, co_hosts=co_hosts)
        if not _attempt(booking, calendar, partial(_put, booking, calendar, event, body)):
            failed.append(calendar.name)
    for event in existing.values():
        if not _attempt(booking, event.calendar, partial(_delete, booking, event)):
            failed.append(event.calendar.name)
    if failed:
        raise WriteFailed(", ".join(failed))


def _desired_calendars(booking: Booking, host_ids: list[int]) -> list[HostCalendar]:
    if not booking.is_confirmed:
        return []
    return list(writable_calendars().filter(host_id__in=host_ids).order_by("pk"))


def writable_calendars() -> "QuerySet[HostCalendar]":
    """The calendars bookings are written to: CalDAV ones with ``write_bookings``."""
    return HostCalendar.objects.filter(kind=CalendarKind.CALDAV, write_bookings=True)


def _events_of(booking: Booking) -> list[CalendarEvent]:
    rows = CalendarEvent.objects.filter(booking_id=booking.pk).select_related("calendar")
    return list(rows.order_by("pk"))


def _attempt(booking: Booking, calendar: HostCalendar, write: Callable[[], None]) -> bool:
    """Run one calendar's write; a failure is audited (status only, no secrets)."""
    try:
        write()
    except (_Refused, outbound.FetchError, outbound.UnsafeURL) as exc:
        answer = str(exc)
    else:
        return True
    logger.warning(
        "Write-back of booking %s to calendar %s failed: %s", booking.pk, calendar.pk, answer
    )
    audit.record(
        booking,
        EventKind.CALENDAR_WRITE_FAILED,
        f"Could not write to {calendar.name}: {answer}",
        {"calendar": calendar.pk, "answer": answer},
    )
    return False


def _href(booking: Booking, calendar: HostCalendar) -> str:
    name = _UNSAFE.sub("-", str(booking.public_id))
    return f"{calendar.url.rstrip('/')}/{name}.ics"


def _put(
    booking: Booking, calendar: HostCalendar, event: CalendarEvent | None, body: bytes
) -> None:
    href = event.href if event is not None else _href(booking, calendar)
    answer = _put_once(calendar, href, body, event.etag if event is not None else "")
    if answer.status == 412:
        # Changed (or made by another writer) meanwhile: the booking wins, once.
        answer = _put_once(calendar, href, body, _current_etag(calendar, href))
    if answer.status not in _WRITTEN:
        raise _Refused(_status(answer))
    etag = answer.headers.get("ETag") or _current_etag(calendar, href)
    now = timezone.now()
    _save(booking, calendar, href, etag, now)
    verb = "Updated in" if event is not None else "Added to"
    audit.record(
        booking, EventKind.CALENDAR_WRITTEN, f"{verb} {calendar.name}", {"calendar": calendar.pk}
    )


def _put_once(calendar: HostCalendar, href: str, body: bytes, etag: str) -> outbound.Response:
    condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    return _request(
        "PUT",
        calendar,
        href,
        headers={"Content-Type": "text/calendar; charset=utf-8", **condition},
        data=body,
    )


def _current_etag(calendar: HostCalendar, href: str) -> str:
    """The stored object's ETag; "" when the server has none (or no object)."""
    answer = _request("HEAD", calendar, href, headers={})
    if answer.status in _GONE:
        return ""
    if answer.status >= 400:
        raise _Refused(_status(answer))
    return answer.headers.get("ETag", "")


def _save(booking: Booking, calendar: HostCalendar, href: str, etag: str, now: datetime) -> None:
    fields = {"href": href, "etag": etag, "sequence": booking.sequence, "written_at": now}
    try:
        CalendarEvent.objects.update_or_create(booking=booking, calendar=calendar, defaults=fields)
    except IntegrityError:  # another writer made the row between our read and write
        CalendarEvent.objects.filter(booking=booking, calendar=calendar).update(**fields)


def _delete(booking: Booking, event: CalendarEvent) -> None:
    calendar = event.calendar
    answer = _delete_once(calendar, event.href, event.etag)
    if answer.status == 412:
        answer = _delete_once(calendar, event.href, _current_etag(calendar, event.href))
    if answer.status not in (*_WRITTEN, *_GONE):
        raise _Refused(_status(answer))
    event.delete()
    audit.record(
        booking,
        EventKind.CALENDAR_WRITTEN,
        f"Removed from {calendar.name}",
        {"calendar": calendar.pk},
    )


def _delete_once(calendar: HostCalendar, href: str, etag: str) -> outbound.Response:
    return _request("DELETE", calendar, href, headers={"If-Match": etag} if etag else {})


def _status(answer: outbound.Response) -> str:
    return f"HTTP {answer.status}"
