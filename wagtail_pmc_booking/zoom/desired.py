"""What a booking wants of Zoom right now, read from the booking alone.

Confirmed → a meeting for its host at its time; cancelled → none; host out of office
(or no Zoom user, or Zoom off for the meeting type) → none, "skipped". Reconciling
compares this with ``ZoomMeeting``; the webhook compares it with what Zoom reports.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypedDict

from django.utils.translation import gettext as _

from .. import scheduling
from ..models import Booking, MeetingType, OutOfOffice, ZoomDefaults, ZoomMeeting
from ..models.bookings import BookingStatus
from ..models.meetings import MeetingState
from .wire import MeetingSettings, NewMeeting, agenda_marker, generate_passcode


class Want(StrEnum):
    """What Zoom should have for a booking."""

    PRESENT = "present"
    ABSENT = "absent"
    SKIP = "skip"


class SkipReason(StrEnum):
    """Why no meeting is wanted for a confirmed booking."""

    HOST_OUT_OF_OFFICE = "host_out_of_office"
    NO_ZOOM_USER = "no_zoom_user"
    ZOOM_DISABLED = "zoom_disabled"


@dataclass(frozen=True)
class Desired:
    """What Zoom should have for a booking: a meeting for ``zoom_user``, or none (why)."""

    action: Want
    sequence: int
    reason: SkipReason | None = None
    zoom_user: str = ""


def host_out_of_office(booking: Booking) -> bool:
    """Whether an enabled out-of-office entry of the host (or of everyone) meets the booking."""
    host = booking.host
    tz = host.zoneinfo
    first, last = booking.start.astimezone(tz).date(), booking.end.astimezone(tz).date()
    entries = OutOfOffice.objects.affecting(
        [host.pk], first - timedelta(days=1), last + timedelta(days=1)
    )
    rules = [
        scheduling.OutOfOfficeRule(*row) for row in entries.values_list(*OutOfOffice.RULE_FIELDS)
    ]
    if not rules:
        return False
    blocked = scheduling.out_of_office_intervals(rules, tz, first, last)
    return scheduling.overlaps_any(scheduling.Interval(booking.start, booking.end), blocked)


def desired_state(booking: Booking) -> Desired:
    """What Zoom should have for ``booking`` right now."""
    if booking.status != BookingStatus.CONFIRMED:
        return Desired(Want.ABSENT, booking.sequence)
    if not booking.meeting_type.zoom_enabled:
        return Desired(Want.SKIP, booking.sequence, reason=SkipReason.ZOOM_DISABLED)
    zoom_user = (booking.host.zoom_user or "").strip()
    if not zoom_user:
        return Desired(Want.SKIP, booking.sequence, reason=SkipReason.NO_ZOOM_USER)
    if host_out_of_office(booking):
        return Desired(Want.SKIP, booking.sequence, reason=SkipReason.HOST_OUT_OF_OFFICE)
    return Desired(Want.PRESENT, booking.sequence, zoom_user=zoom_user)


def in_sync(record: ZoomMeeting | None, desired: Desired) -> bool:
    """Whether Zoom already matches ``desired`` as far as ``record`` knows."""
    if record is None:
        return desired.action == Want.ABSENT or desired.reason == SkipReason.ZOOM_DISABLED
    if desired.action == Want.PRESENT:
        synced = (
            record.state == MeetingState.SYNCED
            and record.zoom_meeting_id is not None
            and record.synced_sequence == desired.sequence
            and record.zoom_user == desired.zoom_user
        )
        # Deleted in Zoom on purpose (ZOOM_RECREATE_DELETED off): left so until it changes.
        tombstone = (
            record.state == MeetingState.DELETED
            and record.zoom_meeting_id is None
            and record.synced_sequence == desired.sequence
        )
        return synced or tombstone
    wanted = MeetingState.DELETED if desired.action == Want.ABSENT else MeetingState.SKIPPED
    if record.zoom_meeting_id is not None:
        return False
    return record.state == wanted or (
        record.state in (MeetingState.DELETED, MeetingState.SKIPPED) and record.attempts == 0
    )


def is_due(record: ZoomMeeting | None, now: datetime) -> bool:
    """Not waiting for a retry time, and not parked until someone resyncs it."""
    if record is None:
        return True
    if record.next_attempt_at is None:
        return not record.last_error
    return record.next_attempt_at <= now


def skip_message(reason: SkipReason | None) -> str:
    if reason is None:
        return _("No Zoom meeting.")
    return {
        SkipReason.HOST_OUT_OF_OFFICE: _(
            "No Zoom meeting: the host is out of office at that time."
        ),
        SkipReason.NO_ZOOM_USER: _("No Zoom meeting: the host has no Zoom user."),
        SkipReason.ZOOM_DISABLED: _("No Zoom meeting: Zoom is off for this meeting type."),
    }[reason]


# The meeting's fields -------------------------------------------------------------------


def meeting_topic(booking: Booking) -> str:
    """From the topic template editors set in Settings → Zoom meeting defaults."""
    return str(ZoomDefaults.load().topic_for(booking))


def meeting_agenda(booking: Booking) -> str:
    """The marker first (Zoom may shorten agendas in listings), then what the host needs."""
    lines = [agenda_marker(booking.public_id), booking.meeting_type.name]
    if booking.notes:
        lines.append(booking.notes)
    return "\n".join(lines)


def meeting_settings(meeting_type: MeetingType) -> MeetingSettings:
    """Zoom ``settings`` of a meeting type's meetings."""
    return MeetingSettings(
        waiting_room=bool(meeting_type.zoom_waiting_room),
        join_before_host=bool(meeting_type.zoom_join_before_host),
        mute_upon_entry=bool(meeting_type.zoom_mute_upon_entry),
        auto_recording=meeting_type.zoom_auto_recording or "none",
    )


def alternative_hosts(booking: Booking, zoom_user: str) -> list[str] | None:
    """Co-hosts' Zoom users; None outside collective meetings, so updates leave them be."""
    if booking.meeting_type.assignment != scheduling.COLLECTIVE:
        return None
    users: list[str] = []
    for host in booking.co_hosts.all():
        user = (host.zoom_user or "").strip()
        if user and user != zoom_user and user not in users:
            users.append(user)
    return users


class Overrides(TypedDict, total=False):
    """Topic and length set through the API, where set."""

    topic: str
    duration: int


def meeting_overrides(booking: Booking, record: ZoomMeeting | None) -> Overrides:
    """Topic and length set through the API for the booking's current revision."""
    found: Overrides = {}
    if record is None or record.override_sequence != booking.sequence:
        return found
    if record.topic_override:
        found["topic"] = record.topic_override
    if record.duration_override is not None:
        found["duration"] = record.duration_override
    return found


def meeting_request(
    booking: Booking, record: ZoomMeeting, zoom_user: str, *, new: bool
) -> NewMeeting:
    """The fields of ``create_meeting`` (``new``) or ``update_meeting`` for the booking now.

    The passcode stays the one attendees were sent; only a new meeting without one (say,
    Zoom deleted the old one) gets a fresh one.
    """
    meeting_type = booking.meeting_type
    passcode = None
    if meeting_type.zoom_passcode:
        passcode = record.passcode or (generate_passcode() if new else None)
    overrides = meeting_overrides(booking, record)
    return {
        "topic": overrides.get("topic") or meeting_topic(booking),
        "start_time": booking.start,
        "duration": overrides.get("duration") or booking.duration_minutes,
        "timezone": booking.host.timezone,
        "agenda": meeting_agenda(booking),
        "settings": meeting_settings(meeting_type),
        "alternative_hosts": alternative_hosts(booking, zoom_user),
        "passcode": passcode,
    }
