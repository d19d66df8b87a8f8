"""A Zoom backend without Zoom, so a site without credentials (the demo, ``pmc_test_`` keys)
still books end to end.

Join links look real but carry ``?pmc_sandbox=1``: a demo shows what attendees will get,
and anyone (or any test) can tell a sandbox link from a real one. Meetings live in this
process only; ids are ``9`` and ten digits derived from the meeting, so the same data
gives the same id in a fresh process.
"""

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Unpack

from . import wire
from .errors import ZoomNotFound
from .wire import Meeting, MeetingChanges, NewMeeting

SANDBOX_JOIN_URL = "https://zoom.us/j/{id}?pmc_sandbox=1"
SANDBOX_START_URL = "https://zoom.us/s/{id}?pmc_sandbox=1"

_lock = threading.Lock()
_meetings: dict[int, dict[str, Any]] = {}


def reset_sandbox() -> None:
    """Forget every sandbox meeting (tests)."""
    with _lock:
        _meetings.clear()


class SandboxZoomClient:
    """The methods of ``ZoomClient``, answered from memory."""

    is_sandbox = True

    def __repr__(self) -> str:
        return "<SandboxZoomClient>"

    def create_meeting(self, zoom_user: str, **fields: Unpack[NewMeeting]) -> Meeting:
        body = wire.create_body(**fields)
        topic = fields["topic"]
        seed = f"{zoom_user}|{body['start_time']}|{body['duration']}|{body['agenda']}|{topic}"
        with _lock:
            attempt = 0
            while True:
                digest = hashlib.sha256(f"{seed}|{attempt}".encode()).digest()
                meeting_id = 9 * 10**10 + int.from_bytes(digest[:8], "big") % 10**10
                if meeting_id not in _meetings:
                    break
                attempt += 1
            record = {
                **body,
                "id": meeting_id,
                "host_id": str(zoom_user),
                "host_email": str(zoom_user) if "@" in str(zoom_user) else "",
                "join_url": SANDBOX_JOIN_URL.format(id=meeting_id),
            }
            _meetings[meeting_id] = record
            return wire.meeting_from_api(record)

    def get_meeting(self, meeting_id: int) -> Meeting:
        return wire.meeting_from_api(self._record(meeting_id))

    def update_meeting(self, meeting_id: int, **fields: Unpack[MeetingChanges]) -> None:
        changes = wire.meeting_fields(**fields)
        with _lock:
            record = self._record(meeting_id)
            if "settings" in changes:
                changes["settings"] = {**record.get("settings", {}), **changes["settings"]}
            record.update(changes)

    def delete_meeting(self, meeting_id: int) -> None:
        with _lock:
            _meetings.pop(int(meeting_id), None)

    def list_upcoming_meetings(self, zoom_user: str) -> list[Meeting]:
        now = datetime.now(UTC)
        with _lock:
            records = [dict(r) for r in _meetings.values() if r["host_id"] == str(zoom_user)]
        meetings = [wire.meeting_from_api(r) for r in records]
        upcoming = [m for m in meetings if _end(m) > now]
        return sorted(upcoming, key=lambda m: (_start(m), m.id))

    def find_meeting_by_agenda_marker(self, zoom_user: str, marker: str) -> Meeting | None:
        tag = wire.agenda_marker(marker)
        for meeting in self.list_upcoming_meetings(zoom_user):
            if tag in meeting.agenda:
                return meeting
        return None

    def get_start_url(self, meeting_id: int) -> str:
        return SANDBOX_START_URL.format(id=self._record(meeting_id)["id"])

    def _record(self, meeting_id: int) -> dict[str, Any]:
        record = _meetings.get(int(meeting_id))
        if record is None:
            raise ZoomNotFound(f"Sandbox meeting {meeting_id} does not exist", code=3001)
        return record


def _start(meeting: Meeting) -> datetime:
    return meeting.start_time or datetime.min.replace(tzinfo=UTC)


def _end(meeting: Meeting) -> datetime:
    return _start(meeting) + timedelta(minutes=meeting.duration or 0)
