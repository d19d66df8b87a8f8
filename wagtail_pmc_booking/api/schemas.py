"""Request and response shapes of the API (camelCase on the wire, snake_case in Python).

Input types are strict about what JSON can carry: a number is not a string, a string
is not a number, instants need an offset, dates are ``YYYY-MM-DD``, and no string can
hold characters a database refuses (NUL, lone surrogates). Anything else is a 422
with the field named, never a 500 further down.

What the server accepts, the OpenAPI document says: patterns for dates, instants,
emails and names, enums for timezones and meeting lengths. Each rule is written once
here and both validates and documents, so a schema-valid value is never refused for
its shape (only for the state of things: a taken slot, an unknown meeting type).
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic.fields import ComputedFieldInfo, FieldInfo

from .. import questions
from ..conf import booking_settings
from ..models.bookings import BookingStatus
from ..validators import available_timezones

# Dates and instants outside these bounds are refused: nothing is bookable there, and
# date arithmetic near ``date.max`` would overflow.
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
# The same bounds as patterns (years 1970–2999), in the syntax both JSON Schema (ECMA
# 262) and pydantic's regex engine read alike: no ``\d``/``\s``, explicit classes only.
DATE_PATTERN = r"(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
INSTANT_PATTERN = (
    DATE_PATTERN + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
DATE_RE = re.compile(DATE_PATTERN)
INSTANT_RE = re.compile(INSTANT_PATTERN)
NAIVE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
# A page cursor: the last booking's start (microseconds since 1970) and its id. Every
# string of this shape is a position, so no well-formed cursor is refused.
CURSOR_PATTERN = r"^[0-9]{1,17}_bk_[a-z2-7]{12,29}$"
# Control characters (C0, DEL, C1) and line/paragraph separators: never in a name.
CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
# Free text may keep tabs and newlines.
TEXT_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
# What ``str.strip()`` removes, plus the byte-order mark: a name needs one other character.
BLANK = r"\x20\xa0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff"
NAME_PATTERN = rf"^[^{CONTROL}]*[^{CONTROL}{BLANK}][^{CONTROL}]*$"
TEXT_PATTERN = rf"^[^{TEXT_CONTROL}]*$"
# A dot-atom address on an ASCII domain, the top-level one of letters or xn--: a strict
# subset of what Django's EmailValidator accepts, so the two never disagree.
ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
EMAIL_PATTERN = (
    rf"^[{ATEXT}]+(\.[{ATEXT}]+)*@([A-Za-z0-9]([A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
    r"([A-Za-z][A-Za-z-]{0,61}[A-Za-z]|xn--[A-Za-z0-9]{1,59})$"
)


def _title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    return name.replace("_", " ").strip().capitalize()


class CamelSchema(Schema):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, field_title_generator=_title
    )


# == Input types ==


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("This value may not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("This value is not valid Unicode text.")) from exc
    return value


def _parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    if not DATE_RE.fullmatch(value):
        raise ValueError(_("This date is out of range."))
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("This date does not exist.")) from exc


def _parse_instant(value: object) -> datetime:
    """An RFC 3339 date and time with an offset, returned as aware UTC.

    Matched whole against ``INSTANT_PATTERN`` first: ``datetime.fromisoformat`` alone
    lets odd characters (a NUL) through between the time and the offset.
    """
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(_("Enter a date and time in ISO 8601 with an offset."))
    if not INSTANT_RE.fullmatch(value):
        if NAIVE_RE.fullmatch(value):
            raise ValueError(_("Add an offset such as +05:30 or Z to the time."))
        raise ValueError(_("Enter a date and time in ISO 8601 with an offset."))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("This date does not exist.")) from exc
    return parsed.astimezone(UTC)


def _parse_date_or_instant(value: object) -> date | datetime:
    if isinstance(value, str) and len(value) == 10:
        return _parse_date(value)
    return _parse_instant(value)


def _timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(_("Unknown timezone; use an IANA name like Europe/Berlin."))
    return value


def _timezone_enum(schema: dict[str, Any]) -> None:
    schema["enum"] = sorted(available_timezones())


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError(_("Enter a valid email address.")) from exc
    return value


def _whole_number(value: object) -> object:
    """JSON Schema counts 30.0 as an integer; a fraction, a boolean or a string is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _offered_length(value: int) -> int:
    if value not in booking_settings.DURATION_CHOICES:
        raise ValueError(
            _("Choose one of the offered lengths: %(lengths)s minutes.")
            % {"lengths": ", ".join(str(d) for d in booking_settings.DURATION_CHOICES)}
        )
    return value


def _offered_lengths_enum(schema: dict[str, Any]) -> None:
    schema["enum"] = list(booking_settings.DURATION_CHOICES)


Text = Annotated[StrictStr, Field(pattern=TEXT_PATTERN), AfterValidator(_storable)]
Slug = Annotated[StrictStr, Field(min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
Token = Annotated[StrictStr, Field(min_length=1, max_length=128, pattern=r"^[-a-zA-Z0-9_]+$")]
TimezoneName = Annotated[
    StrictStr,
    Field(
        max_length=64,
        examples=["America/New_York"],
        description="An IANA timezone name: Area/Location (e.g. Europe/Berlin) or UTC.",
        json_schema_extra=_timezone_enum,
    ),
    AfterValidator(_timezone),
]
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": f"^{DATE_PATTERN}$"}
INSTANT_SCHEMA = {"type": "string", "format": "date-time", "pattern": f"^{INSTANT_PATTERN}$"}
Instant = Annotated[
    datetime,
    BeforeValidator(_parse_instant),
    WithJsonSchema(INSTANT_SCHEMA),
    Field(description="RFC 3339 with an offset, e.g. 2026-04-13T11:00:00+05:30; 1970–2999."),
]
LocalDate = Annotated[date, BeforeValidator(_parse_date), WithJsonSchema(DATE_SCHEMA)]
DateOrInstant = Annotated[
    date | datetime,
    PlainValidator(_parse_date_or_instant),
    WithJsonSchema({"anyOf": [DATE_SCHEMA, INSTANT_SCHEMA]}),
]
# Constraints before the validator, so pydantic writes them as minimum/maximum.
Duration = Annotated[
    StrictInt, Field(ge=1, le=24 * 60, description="Minutes."), BeforeValidator(_whole_number)
]
# A meeting length the site offers (``DURATION_CHOICES``); the meeting type may offer fewer.
OFFERED = Field(
    description="Minutes, one of the site's lengths.", json_schema_extra=_offered_lengths_enum
)
OfferedDuration = Annotated[
    StrictInt, BeforeValidator(_whole_number), AfterValidator(_offered_length), OFFERED
]
QueryDuration = Annotated[int, AfterValidator(_offered_length), OFFERED]
Email = Annotated[
    StrictStr,
    Field(
        min_length=6, max_length=254, pattern=EMAIL_PATTERN, json_schema_extra={"format": "email"}
    ),
    AfterValidator(_email),
]
Name = Annotated[StrictStr, Field(min_length=1, max_length=255, pattern=NAME_PATTERN)]
# A language tag (``de``, ``pt-BR``); which ones the site speaks is its setting, so the
# booking service refuses the others (400), naming ``attendee.language``.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"
Language = Annotated[
    StrictStr,
    Field(
        max_length=35,
        pattern=LANGUAGE_PATTERN,
        examples=["de"],
        description="One of the site's languages (a regional tag such as de-AT picks de); "
        "default: the browser's Accept-Language among them, else the site's language.",
    ),
]
TEXT_RE = re.compile(TEXT_PATTERN)
ONE_LINE_RE = re.compile(rf"^[^{CONTROL}]*$")


def _answer(value: object) -> object:
    """Only what could not be stored is refused here: which answer a question takes
    (text, an option, true/false) is the booking service's rule (``questions.py``)."""
    if isinstance(value, str):
        if len(value) > questions.LONG_TEXT_MAX:
            raise ValueError(
                _("Use at most %(max)s characters.") % {"max": questions.LONG_TEXT_MAX}
            )
        if not TEXT_RE.fullmatch(value):
            raise ValueError(_("This value may not contain control characters."))
        return _storable(value)
    return value


def _tracking_value(value: object) -> object:
    if isinstance(value, str):
        if not ONE_LINE_RE.fullmatch(value):
            raise ValueError(_("Use one line without control characters."))
        return _storable(value)
    return value


ANSWER_VALUE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "maxLength": questions.LONG_TEXT_MAX, "pattern": TEXT_PATTERN},
        {"type": "boolean"},
    ]
}
ANSWERS_DESCRIPTION = (
    "Answers to the meeting type's questions by question key: text (an option's text for "
    "a choice) or true/false for a checkbox. An unknown key, a missing required answer, "
    "an option not offered or a wrong type is a 400 naming ``answers.<key>``."
)
TRACKING_VALUE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "maxLength": questions.TRACKING_MAX,
    "pattern": ONE_LINE_RE.pattern,
}
TRACKING_DESCRIPTION = "UTM parameters and click ids of the page the booking came from."
Answers = Annotated[
    dict[StrictStr, Annotated[Any, PlainValidator(_answer)]],
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": ANSWER_VALUE_SCHEMA,
            "description": ANSWERS_DESCRIPTION,
        }
    ),
]
Tracking = Annotated[
    dict[StrictStr, Annotated[Any, PlainValidator(_tracking_value)]],
    WithJsonSchema(
        {
            "type": "object",
            "properties": {key: TRACKING_VALUE_SCHEMA for key in questions.TRACKING_KEYS},
            "additionalProperties": False,
            "description": TRACKING_DESCRIPTION,
        }
    ),
]
AnswersOut = Annotated[
    dict[str, str | bool],
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
            "description": "The answers given, by question key (only questions answered).",
        }
    ),
]
TrackingOut = Annotated[
    dict[str, str],
    WithJsonSchema(
        {
            "type": "object",
            "properties": {key: {"type": "string"} for key in questions.TRACKING_KEYS},
            "additionalProperties": False,
            "description": TRACKING_DESCRIPTION,
        }
    ),
]


# == Requests ==


class SlotsQuery(CamelSchema):
    meeting_type: Slug
    start: LocalDate = Field(description="First day, inclusive, in ``timezone``.")
    end: LocalDate = Field(description="Last day, inclusive, in ``timezone``.")
    timezone: TimezoneName | None = Field(
        default=None, description="Default: the first host's zone."
    )
    duration: QueryDuration | None = None
    host: Slug | None = None
    rescheduling: Slug | None = Field(
        default=None,
        description="A booking being moved (bk_…): its own time is offered too. Needs its "
        "manage ``token`` or an API key.",
    )
    token: Token | None = Field(default=None, description="The manage token of ``rescheduling``.")


class AttendeeIn(CamelSchema):
    name: Name
    email: Email
    timezone: TimezoneName
    language: Language | None = None


class BookingCreateIn(CamelSchema):
    meeting_type: Slug
    start: Instant
    duration: OfferedDuration | None = None
    attendee: AttendeeIn
    notes: Annotated[Text, Field(max_length=5000)] = ""
    host: Slug | None = None
    answers: Answers = Field(default_factory=dict)
    tracking: Tracking = Field(default_factory=dict)


class RescheduleIn(CamelSchema):
    start: Instant
    duration: OfferedDuration | None = None
    token: Token | None = Field(
        default=None, description="The manage token, instead of an API key."
    )


class CancelIn(CamelSchema):
    reason: Annotated[Text, Field(max_length=2000)] = ""
    token: Token | None = Field(
        default=None, description="The manage token, instead of an API key."
    )


class BookingListQuery(CamelSchema):
    status: BookingStatus | None = None
    host: Slug | None = None
    from_: DateOrInstant | None = Field(
        default=None,
        alias="from",
        description="Bookings starting at or after this date or instant.",
    )
    to: DateOrInstant | None = Field(
        default=None,
        description="Bookings starting before this instant, or on or before this date.",
    )
    cursor: Annotated[StrictStr, Field(max_length=64, pattern=CURSOR_PATTERN)] | None = Field(
        default=None, description="The ``next`` of the previous page."
    )
    limit: Annotated[int, Field(ge=1, le=100)] = 50


# == Responses ==


class SlotOut(Schema):
    start: datetime
    end: datetime


class SlotsOut(CamelSchema):
    meeting_type: str
    duration: int
    timezone: str
    slots: dict[str, list[SlotOut]] = Field(
        description="Attendee-local dates (YYYY-MM-DD) to sorted slots; empty days omitted."
    )


class AttendeeOut(Schema):
    name: str
    email: str
    timezone: str
    language: str = Field(description="Emails, invites and reminders are written in it.")


class HostOut(Schema):
    name: str
    slug: str


class MeetingOut(CamelSchema):
    provider: Literal["zoom"]
    status: Literal["created", "pending", "skipped", "deleted"]
    meeting_id: str | None
    meeting_url: str | None
    passcode: str | None


class BookingOut(CamelSchema):
    booking_id: str
    status: Literal["confirmed", "cancelled"]
    meeting_type: str
    start: datetime
    end: datetime
    duration: int
    timezone: str
    attendee: AttendeeOut
    host: HostOut
    meeting: MeetingOut
    answers: AnswersOut
    tracking: TrackingOut
    attendance: Literal["attended", "no_show", "unknown"] = Field(
        description="Decided after the meeting from Zoom's participant events; "
        "a host or admin may set it."
    )
    reschedule_url: str
    cancel_url: str


class BookingCreatedOut(BookingOut):
    manage_token: str = Field(description="Shown only here and in the attendee's email.")


# A page of ``GET /v1/bookings``. In the OpenAPI document it stays "BookingPage", the name
# clients generate code from; in Python it is not confused with the Wagtail page model.
# (No docstring: it would become the component's description.)
class BookingListPage(CamelSchema):
    # pydantic names the component after ``__qualname__`` and titles it after ``title``.
    __qualname__ = "BookingPage"
    model_config = ConfigDict(title="BookingPage")

    results: list[BookingOut]
    next: str | None = Field(description="Pass as ``cursor`` for the next page; null at the end.")


class RebookOptionOut(CamelSchema):
    start: datetime
    end: datetime
    rebook_url: str = Field(
        description="The page that books this time for the same attendee in one click "
        "(signed, valid for a day, used at most once)."
    )


class CancelOut(CamelSchema):
    booking_id: str
    status: Literal["cancelled"]
    rebook_options: list[RebookOptionOut]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = Field(
        default=None, description="Only for invalid_request: field path to its messages."
    )


class ErrorOut(Schema):
    status: Literal["error"]
    error: ErrorDetail
