"""Domain objects -> response schemas. What a client may see is decided here, and only here."""

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Literal

from .. import languages
from ..models import Attendance, Booking, ZoomMeeting
from ..models.attendance import AttendanceStatus
from ..models.bookings import BookingStatus
from ..models.meetings import MeetingState
from ..offers import RebookOffer
from ..scheduling import Slot
from . import schemas

MeetingStatus = Literal["created", "pending", "skipped", "deleted"]
BookingStatusName = Literal["confirmed", "cancelled"]
AttendanceName = Literal["attended", "no_show", "unknown"]

BOOKING_STATUS: dict[str, BookingStatusName] = {
    BookingStatus.CONFIRMED: "confirmed",
    BookingStatus.CANCELLED: "cancelled",
}

# The meeting record's actual state as the API names it; "pending" covers every state
# in which a create is still owed, including queued retries after failures.
MEETING_STATUS: dict[str, MeetingStatus] = {
    MeetingState.SYNCED: "created",
    MeetingState.PENDING: "pending",
    MeetingState.FAILED: "pending",
    MeetingState.SKIPPED: "skipped",
    MeetingState.DELETED: "deleted",
}


def meeting_record(booking: Booking) -> ZoomMeeting | None:
    try:
        return booking.meeting
    except ZoomMeeting.DoesNotExist:
        return None


ATTENDANCE: dict[str, AttendanceName] = {
    AttendanceStatus.ATTENDED: "attended",
    AttendanceStatus.NO_SHOW: "no_show",
    AttendanceStatus.UNKNOWN: "unknown",
}


def attendance_of(booking: Booking) -> AttendanceName:
    """``unknown`` until Zoom's events (or a person) decide; select_related "attendance"."""
    try:
        return ATTENDANCE.get(booking.attendance.status, "unknown")
    except Attendance.DoesNotExist:
        return "unknown"


def meeting_out(booking: Booking) -> schemas.MeetingOut:
    """Join URL and passcode once created; never a start URL or host key."""
    record = meeting_record(booking)
    if record is None:
        owed: MeetingStatus = "pending" if booking.meeting_type.zoom_enabled else "skipped"
        return schemas.MeetingOut(
            provider="zoom", status=owed, meeting_id=None, meeting_url=None, passcode=None
        )
    status = MEETING_STATUS.get(record.state, "pending")
    created = status == "created"
    return schemas.MeetingOut(
        provider="zoom",
        status=status,
        meeting_id=str(record.zoom_meeting_id) if record.zoom_meeting_id else None,
        meeting_url=(record.join_url or None) if created else None,
        passcode=(record.passcode or None) if created else None,
    )


def booking_out(booking: Booking, urls: dict[str, str]) -> schemas.BookingOut:
    """``urls`` is ``links.manage_urls(booking)``: the links carry the manage token."""
    return schemas.BookingOut(
        booking_id=booking.public_id,
        status=BOOKING_STATUS[booking.status],
        meeting_type=booking.meeting_type.slug,
        start=booking.start,
        end=booking.end,
        duration=booking.duration_minutes,
        timezone=booking.attendee_timezone,
        attendee=schemas.AttendeeOut(
            name=booking.attendee_name,
            email=booking.attendee_email,
            timezone=booking.attendee_timezone,
            language=languages.of_booking(booking),
        ),
        host=schemas.HostOut(name=booking.host.name, slug=booking.host.slug),
        meeting=meeting_out(booking),
        answers=dict(booking.answers or {}),
        tracking=dict(booking.tracking or {}),
        attendance=attendance_of(booking),
        reschedule_url=urls["reschedule"],
        cancel_url=urls["cancel"],
    )


def booking_created_out(
    booking: Booking, urls: dict[str, str], manage_token: str
) -> schemas.BookingCreatedOut:
    """The answer to a new booking: ``booking_out`` plus the manage token, shown only here."""
    return schemas.BookingCreatedOut(**dict(booking_out(booking, urls)), manage_token=manage_token)


def in_zone(slot: Slot, tz: tzinfo) -> tuple[datetime, datetime]:
    """A slot's start and end in the attendee's zone, so the offsets are theirs."""
    return slot.start.astimezone(tz), slot.end.astimezone(tz)


def rebook_option_out(offer: RebookOffer, tz: tzinfo) -> schemas.RebookOptionOut:
    """A rebook offer (``offers.rebook_offers``): its slot and the signed page that books it,
    the same link as in the email."""
    start, end = in_zone(offer.slot, tz)
    return schemas.RebookOptionOut(start=start, end=end, rebook_url=offer.url)


def iso(instant: datetime) -> str:
    """ISO 8601 with the offset, ``Z`` for UTC, as the contract writes instants."""
    text = instant.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def slots_answer(
    meeting_type: str,
    duration: int,
    timezone: str,
    days: Mapping[date, Sequence[Slot]],
    tz: tzinfo,
) -> bytes:
    """``SlotsOut`` as JSON, slots by local date in the attendee zone ``tz``.

    A month holds hundreds of slots, so the answer is written as text: each instant is
    converted and formatted once (most slots end where a later one starts), and the slots,
    whose dates and ISO instants need no escaping, are not walked by ``json.dumps``.
    """
    texts: dict[datetime, str] = {}
    for slots in days.values():
        for slot in slots:
            for moment in (slot.start, slot.end):
                if moment not in texts:
                    texts[moment] = iso(moment.astimezone(tz))
    listing = ", ".join(
        f'"{day.isoformat()}": ['
        + ", ".join(
            [f'{{"start": "{texts[slot.start]}", "end": "{texts[slot.end]}"}}' for slot in slots]
        )
        + "]"
        for day, slots in days.items()
    )
    head = json.dumps({"meetingType": meeting_type, "duration": duration, "timezone": timezone})
    return f'{head[:-1]}, "slots": {{{listing}}}}}'.encode()
