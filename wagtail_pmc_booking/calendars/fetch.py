"""Fetch a host calendar's iCalendar texts: an ICS feed's GET, a CalDAV calendar-query.

Everything goes through ``outbound`` (SSRF guard, 10 MiB, 10 s). ``webcal://`` links
(what Apple and Google hand out) are read as ``https://`` here, so the address the host
pasted is kept as given.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from .. import outbound
from ..models import HostCalendar
from ..models.calendars import CalendarKind
from .parse import CalendarUnreadable

_DAV = "{DAV:}"
_CALDAV = "{urn:ietf:params:xml:ns:caldav}"
_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><c:calendar-data/></d:prop>
  <c:filter>
    <c:comp-filter name="VCALENDAR">
      <c:comp-filter name="VEVENT">
        <c:time-range start="{start}" end="{end}"/>
      </c:comp-filter>
    </c:comp-filter>
  </c:filter>
</c:calendar-query>
"""
_REASONS = {
    401: "The calendar refused the user name or password (401 Unauthorized)",
    403: "The calendar refused access (403 Forbidden)",
    404: "The calendar was not found at this address (404 Not Found)",
}


def feed_url(url: str) -> str:
    """``webcal://`` is https in disguise; anything else is left to the guard."""
    if url[:9].lower() == "webcal://":
        return "https://" + url[9:]
    return url


def read(
    calendar: HostCalendar, *, start: datetime, end: datetime, timeout: float | None = None
) -> list[str]:
    """The calendar's iCalendar texts for ``[start, end)``; raises FetchError/UnsafeURL."""
    if calendar.kind == CalendarKind.CALDAV:
        return _report(calendar, start=start, end=end, timeout=timeout)
    answer = outbound.request(
        "GET",
        feed_url(calendar.url),
        auth=credentials(calendar),
        headers={"Accept": "text/calendar, */*;q=0.1"},
        timeout=timeout,
    )
    if not 200 <= answer.status < 300:
        raise outbound.FetchError(_status_message(answer))
    return [answer.text]


def test(calendar: HostCalendar, *, timeout: float | None = None) -> str:
    """ "" when the calendar answers a read of the next day, else the error to show."""
    now = datetime.now(UTC)
    try:
        read(calendar, start=now, end=now + timedelta(days=1), timeout=timeout)
    except (outbound.FetchError, outbound.UnsafeURL, CalendarUnreadable) as exc:
        return str(exc)
    return ""


def credentials(calendar: HostCalendar) -> tuple[str, str] | None:
    """Basic auth for the calendar's server; none when it has no user name or password."""
    if calendar.username or calendar.password:
        return (calendar.username, calendar.password or "")
    return None


def _status_message(answer: outbound.Response) -> str:
    known = _REASONS.get(answer.status)
    if known:
        return known
    return f"The calendar answered {answer.status} {answer.reason}".rstrip()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _report(
    calendar: HostCalendar, *, start: datetime, end: datetime, timeout: float | None
) -> list[str]:
    answer = outbound.request(
        "REPORT",
        calendar.url,
        auth=credentials(calendar),
        headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        data=_QUERY.format(start=_stamp(start), end=_stamp(end)).encode(),
        timeout=timeout,
    )
    if answer.status != 207:
        if 200 <= answer.status < 300 or answer.status in (400, 405, 415, 501):
            raise outbound.FetchError(
                f"This address is not a CalDAV calendar (it answered {answer.status}"
                f" {answer.reason} to a calendar query)".replace(" )", ")")
            )
        raise outbound.FetchError(_status_message(answer))
    return calendar_data(answer.content)


def calendar_data(body: bytes) -> list[str]:
    """Each ``calendar-data`` text of a 207 multistatus; DTDs and entities are refused."""
    upper = body.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise CalendarUnreadable("the calendar's answer declares a DTD or entities (refused)")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise CalendarUnreadable(f"the calendar's answer is not readable XML: {exc}") from exc
    if root.tag != f"{_DAV}multistatus":
        raise CalendarUnreadable("the calendar's answer is not a WebDAV multistatus")
    return [node.text for node in root.iter(f"{_CALDAV}calendar-data") if node.text]
