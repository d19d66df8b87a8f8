"""Zoom's meeting JSON, both ways: the one place a request body is built and an answer read.

The real client and the sandbox both go through here, so they cannot drift apart on
what a meeting looks like; answers are cut down to ``Meeting``, which has no start link
or host key to leak.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

TOPIC_MAX_LENGTH = 200
AGENDA_MAX_LENGTH = 2000
SCHEDULED_MEETING = 2
# Letters and digits that cannot be misread for one another when typed from an email.
PASSCODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
PASSCODE_LENGTH = 8
PASSCODE_RE = re.compile(r"[A-Za-z0-9@_*-]{1,10}")


@dataclass(frozen=True)
class MeetingSettings:
    """Zoom's ``settings`` of a meeting, as plain values (see ``desired.meeting_settings``)."""

    waiting_room: bool
    join_before_host: bool
    mute_upon_entry: bool
    auto_recording: str = "none"


class NewMeeting(TypedDict):
    """The keyword arguments of ``create_meeting``."""

    topic: str
    start_time: datetime
    duration: int
    settings: MeetingSettings
    timezone: NotRequired[str | None]
    agenda: NotRequired[str]
    alternative_hosts: NotRequired[list[str] | None]
    passcode: NotRequired[str | None]


class MeetingChanges(TypedDict, total=False):
    """The keyword arguments of ``update_meeting``: any of a new meeting's fields."""

    topic: str | None
    start_time: datetime | None
    duration: int | None
    settings: MeetingSettings | None
    timezone: str | None
    agenda: str | None
    alternative_hosts: list[str] | None
    passcode: str | None


@dataclass(frozen=True)
class Meeting:
    """What the app may keep of a Zoom meeting: deliberately no start_url or host keys.

    The way in (``join_url``, ``passcode``) and the attendee-facing ``agenda`` are left out
    of ``repr`` so that logging a meeting spreads neither.
    """

    id: int
    join_url: str = field(repr=False)
    passcode: str = field(repr=False)
    start_time: datetime | None
    duration: int | None
    topic: str
    agenda: str = field(repr=False)
    host_id: str
    host_email: str = ""
    timezone: str = ""


def meeting_from_api(data: Mapping[str, Any]) -> Meeting:
    """Keep the safe fields of a Zoom meeting object (create, get or list item)."""
    return Meeting(
        id=int(data["id"]),
        join_url=data.get("join_url") or "",
        passcode=data.get("password") or "",
        start_time=parse_time(data.get("start_time")),
        duration=data.get("duration"),
        topic=data.get("topic") or "",
        agenda=data.get("agenda") or "",
        host_id=data.get("host_id") or "",
        host_email=data.get("host_email") or "",
        timezone=data.get("timezone") or "",
    )


def agenda_marker(public_id: str) -> str:
    """The tag the booking lifecycle writes at the start of a meeting's agenda.

    ``[pmc:bk_…]`` ties a Zoom meeting to its booking so that a create whose answer was
    lost can be found again instead of repeated. It goes first because Zoom may shorten
    long agendas in listings.
    """
    return f"[pmc:{public_id}]"


def generate_passcode(length: int = PASSCODE_LENGTH) -> str:
    """A random passcode within Zoom's rules, with an upper- and lower-case letter and a digit.

    Zoom allows at most 10 of ``[A-Za-z0-9@_*-]``; accounts may also require letters and
    digits, so every class is present. Drawing again until it is (rather than placing
    characters) keeps every valid passcode equally likely.
    """
    if not 3 <= length <= 10:
        raise ValueError("A Zoom passcode has 3 to 10 characters here.")
    while True:
        passcode = "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in passcode)
            and any(c.islower() for c in passcode)
            and any(c.isupper() for c in passcode)
        ):
            return passcode


def settings_body(settings: MeetingSettings) -> dict[str, Any]:
    """``settings`` as Zoom's JSON names them."""
    return asdict(settings)


def meeting_fields(
    *,
    topic: str | None = None,
    start_time: datetime | None = None,
    duration: int | None = None,
    timezone: str | None = None,
    agenda: str | None = None,
    settings: MeetingSettings | None = None,
    alternative_hosts: list[str] | None = None,
    passcode: str | None = None,
) -> dict[str, Any]:
    """The Zoom request body for the given meeting fields; ``None`` leaves a field out.

    ``start_time`` is sent as UTC (``…Z``) so Zoom never reinterprets it in the account's
    zone; ``timezone`` then only chooses how Zoom displays it.
    """
    body: dict[str, Any] = {}
    if topic is not None:
        body["topic"] = topic[:TOPIC_MAX_LENGTH]
    if start_time is not None:
        body["start_time"] = format_start_time(start_time)
    if duration is not None:
        body["duration"] = int(duration)
    if timezone:
        body["timezone"] = timezone
    if agenda is not None:
        body["agenda"] = agenda[:AGENDA_MAX_LENGTH]
    if passcode is not None:
        if not PASSCODE_RE.fullmatch(passcode):
            raise ValueError("A Zoom passcode is 1-10 of letters, digits and @ _ * -.")
        body["password"] = passcode
    if settings is not None or alternative_hosts is not None:
        body["settings"] = settings_body(settings) if settings is not None else {}
        if alternative_hosts is not None:
            body["settings"]["alternative_hosts"] = ";".join(alternative_hosts)
    return body


def create_body(
    *,
    topic: str,
    start_time: datetime,
    duration: int,
    settings: MeetingSettings,
    timezone: str | None = None,
    agenda: str = "",
    alternative_hosts: list[str] | None = None,
    passcode: str | None = None,
) -> dict[str, Any]:
    """The body of ``POST /users/{userId}/meetings``: a scheduled meeting.

    No alternative hosts (an empty list) is left out rather than sent empty.
    """
    return {
        "type": SCHEDULED_MEETING,
        **meeting_fields(
            topic=topic,
            start_time=start_time,
            duration=duration,
            timezone=timezone,
            agenda=agenda,
            settings=settings,
            alternative_hosts=alternative_hosts or None,
            passcode=passcode,
        ),
    }


def format_start_time(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Zoom start times must be timezone-aware.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
