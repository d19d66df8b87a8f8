"""Values of a booking for the admin listing and the spreadsheet export.

Templates show times with Django's ``tz`` filters (the host's or attendee's zone, UTC
alongside); the export writes UTC in ISO 8601 so spreadsheets sort it correctly.
"""

from datetime import UTC

from django.utils.translation import gettext

from .. import languages
from ..models import Attendance, ZoomMeeting
from ..models.attendance import AttendanceStatus
from ..questions import answer_text

NO_VALUE = "—"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def meeting_of(booking):
    """The booking's Zoom meeting record, or None (it is made after the booking commits)."""
    try:
        return booking.meeting
    except ZoomMeeting.DoesNotExist:
        return None


def zoom_state_label(booking):
    meeting = meeting_of(booking)
    return meeting.get_state_display() if meeting else NO_VALUE


def zoom_state_code(booking):
    meeting = meeting_of(booking)
    return meeting.state if meeting else ""


def attendance_of(booking):
    """The booking's attendance row, or None (made by Zoom's first event about it)."""
    try:
        return booking.attendance
    except Attendance.DoesNotExist:
        return None


def attendance_code(booking):
    """``attended``, ``no_show`` or ``unknown``: the API's value, for the export."""
    row = attendance_of(booking)
    return row.status if row else AttendanceStatus.UNKNOWN.value


def attendance_label(booking):
    return AttendanceStatus(attendance_code(booking)).label


def minutes_label(minutes):
    return gettext("%(minutes)s min") % {"minutes": minutes}


def utc_iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spreadsheet_text(value):
    """Text an attendee typed, made inert for spreadsheets (CSV formula injection)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def language_label(booking):
    """The booking's language by its own name ("Deutsch"), or its code if no longer offered."""
    code = languages.of_booking(booking)
    return dict(languages.choices()).get(code, code)


def export_questions(meeting_types):
    """One export column per question key of ``meeting_types`` (in their order, then the
    editor's): ``{key: heading}``; a key shared by several types is one column."""
    columns = {}
    for meeting_type in meeting_types:
        for question in meeting_type.question_list:
            columns.setdefault(question.key, question.label)
    return columns


def other_answers_text(booking, columns):
    """Answers without a column of their own (their question was deleted): ``key: value; …``."""
    answers = booking.answers or {}
    return "; ".join(
        f"{key}: {answer_text(answers[key])}" for key in sorted(answers) if key not in columns
    )
