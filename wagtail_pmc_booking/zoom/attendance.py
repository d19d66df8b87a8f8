"""Did they show up? Zoom's meeting and participant events, and the verdict they lead to.

Zoom sends ``meeting.started``/``ended`` and ``meeting.participant_joined``/``left`` for
every meeting of the account; those about one of our meetings fill ``Attendance`` and
``Participant`` rows. The verdict is ``attended`` when anyone other than the hosts
joined, else ``no_show``, reached when Zoom says the meeting ended, or by the sweep at
the scheduled end plus ``ATTENDANCE_GRACE_MINUTES`` when it never does. A host leaving
an empty meeting before its scheduled end also sends ``meeting.ended``: that alone
decides nothing. A late joiner turns a ``no_show`` into ``attended``.

Zoom retries and may send events twice or out of order: a join is one row per
participant and join time, a start or end keeps the earliest/latest time, and a verdict
that does not change writes nothing. A verdict a person set in the admin stands until
they hand it back. Each verdict and its audit line commit together, so the webhook
outbox sends ``booking.attended``/``booking.no_show`` exactly when the verdict changes.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..changes import Actor
from ..conf import booking_settings
from ..models import Attendance, Booking, Participant, ZoomMeeting
from ..models.attendance import AttendanceStatus
from ..models.bookings import BookingStatus, EventKind

logger = logging.getLogger(__name__)

MEETING_STARTED = "meeting.started"
MEETING_ENDED = "meeting.ended"
PARTICIPANT_JOINED = "meeting.participant_joined"
PARTICIPANT_LEFT = "meeting.participant_left"
EVENTS = frozenset({MEETING_STARTED, MEETING_ENDED, PARTICIPANT_JOINED, PARTICIPANT_LEFT})

AUTOMATIC = "automatic"
"""What a person picks in the admin to hand the verdict back to Zoom's events."""

# The sweep leaves bookings that ended longer ago than this alone: an upgrade or a long
# outage must not turn months of past meetings into no-shows at once.
SWEEP_LOOKBACK = timedelta(days=2)

KIND_OF = {
    AttendanceStatus.ATTENDED: EventKind.ATTENDED,
    AttendanceStatus.NO_SHOW: EventKind.NO_SHOW,
}
FIELD_MAX = {"key": 255, "name": 255, "email": 320}


class AttendanceEventInvalid(ValueError):
    """A signed attendance event whose times cannot be read."""


@dataclass(frozen=True)
class Person:
    """One participant as Zoom describes them in a join or leave."""

    key: str
    name: str
    email: str
    zoom_user_id: str
    joined_at: datetime | None
    left_at: datetime | None


def parse_time(value: object) -> datetime | None:
    """Zoom's ``2026-04-13T10:00:05Z`` as an aware datetime; None when absent."""
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AttendanceEventInvalid(f"{value!r} is not a time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_time(event_ts: object) -> datetime | None:
    """The event's ``event_ts`` (milliseconds since the epoch), when Zoom gives one."""
    if isinstance(event_ts, bool) or not isinstance(event_ts, int | float):
        return None
    try:
        return datetime.fromtimestamp(event_ts / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: object, field: str) -> str:
    return str(value or "").strip()[: FIELD_MAX[field]]


def person_of(participant: Mapping[str, Any]) -> Person | None:
    """Who joined or left; None when Zoom names nobody we could tell apart."""
    email = _text(participant.get("email"), "email")
    name = _text(participant.get("user_name"), "name")
    zoom_user_id = str(participant.get("id") or "").strip()
    # participant_uuid is stable for the meeting; user_id changes with every join.
    key = _text(participant.get("participant_uuid") or zoom_user_id or email or name, "key")
    if not key:
        return None
    return Person(
        key=key,
        name=name,
        email=email,
        zoom_user_id=zoom_user_id,
        joined_at=parse_time(participant.get("join_time")),
        left_at=parse_time(participant.get("leave_time")),
    )


def host_addresses(booking: Booking, record: ZoomMeeting) -> set[str]:
    """Emails (and Zoom user names) that belong to the booking's hosts, lower-cased."""
    hosts = [booking.host, *booking.co_hosts.all()]
    found = {h.email for h in hosts} | {h.zoom_user for h in hosts} | {record.zoom_user}
    return {address.strip().lower() for address in found if address}


def is_host(person: Person, host_id: str, addresses: Iterable[str]) -> bool:
    """The meeting's Zoom host (by user id), or someone signed in as one of our hosts."""
    if host_id and person.zoom_user_id == host_id:
        return True
    return bool(person.email) and person.email.lower() in set(addresses)


def receive(
    name: str,
    zoom_meeting_id: int,
    meeting: Mapping[str, Any],
    *,
    event_ts: object = None,
    now: datetime | None = None,
) -> bool:
    """Record one of Zoom's attendance events; returns whether the meeting is ours."""
    now = now or timezone.now()
    when = event_time(event_ts) or now
    record = (
        ZoomMeeting.objects.select_related("booking__host")
        .filter(zoom_meeting_id=zoom_meeting_id)
        .first()
    )
    if record is None:
        return False  # another meeting of the Zoom account, or one we deleted
    booking = record.booking
    participant = meeting.get("participant")
    person = person_of(participant) if isinstance(participant, dict) else None
    with transaction.atomic():
        attendance = locked_attendance(booking)
        if name == MEETING_STARTED:
            started(attendance, parse_time(meeting.get("start_time")) or when)
        elif name == MEETING_ENDED:
            ended(attendance, booking, parse_time(meeting.get("end_time")) or when, now=now)
        elif person is not None and name == PARTICIPANT_JOINED:
            host = is_host(
                person, str(meeting.get("host_id") or ""), host_addresses(booking, record)
            )
            joined(attendance, booking, person, host=host, when=when, now=now)
        elif person is not None and name == PARTICIPANT_LEFT:
            left(attendance, person, when=when)
    return True


def locked_attendance(booking: Booking) -> Attendance:
    """The booking's attendance row, made on first use, locked until the transaction ends."""
    Attendance.objects.get_or_create(booking=booking)
    return Attendance.objects.select_for_update().get(booking=booking)


def started(attendance: Attendance, at: datetime) -> None:
    if attendance.meeting_started_at is None or at < attendance.meeting_started_at:
        attendance.meeting_started_at = at
        attendance.save(update_fields=["meeting_started_at", "updated_at"])


def ended(attendance: Attendance, booking: Booking, at: datetime, *, now: datetime) -> None:
    """The meeting ended at ``at``: decide, unless it ended empty before its time."""
    if attendance.meeting_ended_at is None or at > attendance.meeting_ended_at:
        attendance.meeting_ended_at = at
        attendance.save(update_fields=["meeting_ended_at", "updated_at"])
    decide(attendance, booking, now=now, no_show_from=booking.end, ended_at=at)


def joined(
    attendance: Attendance,
    booking: Booking,
    person: Person,
    *,
    host: bool,
    when: datetime,
    now: datetime,
) -> None:
    stay, made = Participant.objects.get_or_create(
        attendance=attendance,
        key=person.key,
        joined_at=person.joined_at or when,
        defaults={"name": person.name, "email": person.email, "is_host": host},
    )
    if made and not host and attendance.status == AttendanceStatus.NO_SHOW:
        settle(attendance, booking, AttendanceStatus.ATTENDED, now=now)


def left(attendance: Attendance, person: Person, *, when: datetime) -> None:
    """Close the participant's open stay; a leave whose join never came is one stay."""
    left_at = person.left_at or when
    stays = attendance.participants.filter(key=person.key, left_at__isnull=True)
    stay = stays.filter(joined_at__lte=left_at).order_by("-joined_at").first()
    if stay is not None:
        stay.left_at = left_at
        stay.save(update_fields=["left_at"])
    elif person.joined_at is not None:
        Participant.objects.update_or_create(
            attendance=attendance,
            key=person.key,
            joined_at=person.joined_at,
            defaults={"name": person.name, "email": person.email, "left_at": left_at},
        )


def automatic_verdict(
    attendance: Attendance, *, now: datetime, no_show_from: datetime
) -> str | None:
    """``attended`` once a guest joined, ``no_show`` from ``no_show_from`` on, else None."""
    if attendance.participants.filter(is_host=False).exists():
        return AttendanceStatus.ATTENDED
    if now >= no_show_from:
        return AttendanceStatus.NO_SHOW
    return None


def decide(
    attendance: Attendance,
    booking: Booking,
    *,
    now: datetime,
    no_show_from: datetime,
    ended_at: datetime | None = None,
    actor: Actor | str = Actor.ZOOM,
) -> str | None:
    """Reach the automatic verdict, unless a person set one; the verdict, or None.

    ``ended_at`` is when Zoom says the meeting ended: an empty meeting that ended before
    ``no_show_from`` is not yet a no-show, whatever the time now.
    """
    if attendance.is_overridden:
        return None
    verdict = automatic_verdict(
        attendance, now=ended_at if ended_at is not None else now, no_show_from=no_show_from
    )
    if verdict is not None:
        settle(attendance, booking, verdict, now=now, actor=actor)
    return verdict


def settle(
    attendance: Attendance,
    booking: Booking,
    status: str,
    *,
    now: datetime,
    actor: Actor | str = Actor.ZOOM,
) -> bool:
    """Write a verdict and its audit line (in the caller's transaction); whether it changed."""
    if attendance.status == status:
        return False
    attendance.status = status
    attendance.decided_at = now
    attendance.save(update_fields=["status", "decided_at", "updated_at"])
    guests = attendance.participants.filter(is_host=False).values("key").distinct().count()
    if status == AttendanceStatus.ATTENDED:
        message = _("The attendee joined the Zoom meeting.")
    else:
        message = _("Nobody but the hosts joined the Zoom meeting.")
    audit.record(
        booking,
        KIND_OF[AttendanceStatus(status)],
        message,
        {"attendance": status, "participants": guests},
        actor=actor,
    )
    return True


def overdue(now: datetime) -> list[int]:
    """Bookings past their end plus the grace whose real Zoom meeting has no verdict yet."""
    grace = timedelta(minutes=booking_settings.ATTENDANCE_GRACE_MINUTES)
    undecided = Q(attendance__isnull=True) | Q(
        attendance__status=AttendanceStatus.UNKNOWN, attendance__overridden_at__isnull=True
    )
    return list(
        Booking.objects.filter(
            undecided,
            status=BookingStatus.CONFIRMED,
            end__lte=now - grace,
            end__gt=now - SWEEP_LOOKBACK,
            meeting__zoom_meeting_id__isnull=False,
            meeting__is_sandbox=False,
        )
        .order_by("end", "pk")
        .values_list("pk", flat=True)
    )


def zoom_reports_attendance() -> bool:
    """Whether Zoom has ever sent this site a meeting start or a join: only then does its
    silence about a meeting mean nobody came, rather than an app not subscribed."""
    if not booking_settings.ZOOM_WEBHOOK_SECRET:
        return False
    started = Attendance.objects.filter(meeting_started_at__isnull=False)
    return started.exists() or Participant.objects.exists()


def decide_overdue(now: datetime | None = None) -> dict[str, int]:
    """The sweep: a verdict for every overdue booking, once Zoom is known to report."""
    now = now or timezone.now()
    counts = {AttendanceStatus.ATTENDED.value: 0, AttendanceStatus.NO_SHOW.value: 0}
    if not zoom_reports_attendance():
        return counts
    grace = timedelta(minutes=booking_settings.ATTENDANCE_GRACE_MINUTES)
    for pk in overdue(now):
        booking = Booking.objects.select_related("host").get(pk=pk)
        with transaction.atomic():
            attendance = locked_attendance(booking)
            before = attendance.status
            decide(attendance, booking, now=now, no_show_from=booking.end + grace)
            if attendance.status != before:
                counts[attendance.status] += 1
    return counts


def set_by_person(
    booking: Booking, choice: str, *, actor: str, now: datetime | None = None
) -> bool:
    """A host's or admin's verdict (``attended``/``no_show``), or ``AUTOMATIC`` to hand it
    back; returns whether the shown status changed."""
    now = now or timezone.now()
    with transaction.atomic():
        attendance = locked_attendance(booking)
        before = attendance.status
        if choice == AUTOMATIC:
            attendance.overridden_by, attendance.overridden_at = "", None
            attendance.save(update_fields=["overridden_by", "overridden_at", "updated_at"])
            grace = timedelta(minutes=booking_settings.ATTENDANCE_GRACE_MINUTES)
            ended_at = attendance.meeting_ended_at
            no_show_from = booking.end if ended_at else booking.end + grace
            verdict = decide(
                attendance,
                booking,
                now=now,
                no_show_from=no_show_from,
                ended_at=ended_at,
                actor=actor,
            )
            if verdict is None:
                attendance.status = AttendanceStatus.UNKNOWN
                attendance.save(update_fields=["status", "updated_at"])
        else:
            status = AttendanceStatus(choice)
            attendance.overridden_by, attendance.overridden_at = actor, now
            attendance.save(update_fields=["overridden_by", "overridden_at", "updated_at"])
            settle(attendance, booking, status, now=now, actor=actor)
        return attendance.status != before
