"""Request and response shapes of the API (camelCase on the wire, snake_case in Python).

Input types are strict about what JSON can carry: a number is not a string, a string
is not a number, instants need an offset, dates are ``YYYY-MM-DD``, and no string can
hold characters a database refuses (NUL, lone surrogates). Anything else is a 422
with the field named, never a 500 further down.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal

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

from ..models.bookings import BookingStatus
from ..validators import available_timezones

# Dates and instants outside these bounds are refused: nothing is bookable there, and
# date arithmetic near ``date.max`` would overflow.
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _title(name, info):
    return name.replace("_", " ").strip().capitalize()


class CamelSchema(Schema):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, field_title_generator=_title
    )


# == Input types ==


def _storable(value):
    if "\x00" in value:
        raise ValueError(_("This value may not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("This value is not valid Unicode text.")) from exc
    return value


def _parse_date(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("This date does not exist.")) from exc
    if not EARLIEST <= parsed <= LATEST:
        raise ValueError(_("This date is out of range."))
    return parsed


def _parse_instant(value):
    """An ISO 8601 date and time with an offset, returned as aware UTC."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(_("Enter a date and time in ISO 8601 with an offset."))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("Enter a date and time in ISO 8601 with an offset.")) from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(_("Add an offset such as +05:30 or Z to the time."))
    if not EARLIEST <= parsed.date() <= LATEST:
        raise ValueError(_("This date is out of range."))
    return parsed.astimezone(UTC)


def _parse_date_or_instant(value):
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        return _parse_date(value)
    return _parse_instant(value)


def _timezone(value):
    if value not in available_timezones():
        raise ValueError(_("Unknown timezone; use an IANA name like Europe/Berlin."))
    return value


def _email(value):
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError(_("Enter a valid email address.")) from exc
    return value


Text = Annotated[StrictStr, AfterValidator(_storable)]
Slug = Annotated[StrictStr, Field(min_length=1, max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
Token = Annotated[StrictStr, Field(min_length=1, max_length=128, pattern=r"^[-a-zA-Z0-9_]+$")]
TimezoneName = Annotated[
    StrictStr,
    Field(max_length=64, examples=["America/New_York"], description="An IANA timezone name."),
    AfterValidator(_timezone),
]
Instant = Annotated[
    datetime,
    BeforeValidator(_parse_instant),
    Field(description="ISO 8601 with an offset, e.g. 2026-04-13T11:00:00+05:30."),
]
LocalDate = Annotated[date, BeforeValidator(_parse_date)]
DateOrInstant = Annotated[
    date | datetime,
    PlainValidator(_parse_date_or_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ]
        }
    ),
]
Duration = Annotated[StrictInt, Field(ge=1, le=24 * 60, description="Minutes.")]
QueryDuration = Annotated[int, Field(ge=1, le=24 * 60, description="Minutes.")]
Email = Annotated[Text, Field(min_length=3, max_length=254), AfterValidator(_email)]


# == Requests ==


class SlotsQuery(CamelSchema):
    meeting_type: Slug
    start: LocalDate = Field(description="First day, inclusive, in ``timezone``.")
    end: LocalDate = Field(description="Last day, inclusive, in ``timezone``.")
    timezone: TimezoneName | None = Field(None, description="Default: the first host's zone.")
    duration: QueryDuration | None = None
    host: Slug | None = None
    rescheduling: Slug | None = Field(
        None,
        description="A booking being moved (bk_…): its own time is offered too. Needs its "
        "manage ``token`` or an API key.",
    )
    token: Token | None = Field(None, description="The manage token of ``rescheduling``.")


class AttendeeIn(CamelSchema):
    name: Annotated[Text, Field(min_length=1, max_length=255)]
    email: Email
    timezone: TimezoneName


class BookingCreateIn(CamelSchema):
    meeting_type: Slug
    start: Instant
    duration: Duration | None = None
    attendee: AttendeeIn
    notes: Annotated[Text, Field(max_length=5000)] = ""
    host: Slug | None = None


class RescheduleIn(CamelSchema):
    start: Instant
    duration: Duration | None = None
    token: Token | None = Field(None, description="The manage token, instead of an API key.")


class CancelIn(CamelSchema):
    reason: Annotated[Text, Field(max_length=2000)] = ""
    token: Token | None = Field(None, description="The manage token, instead of an API key.")


class BookingListQuery(CamelSchema):
    status: BookingStatus | None = None
    host: Slug | None = None
    from_: DateOrInstant | None = Field(
        None, alias="from", description="Bookings starting at or after this date or instant."
    )
    to: DateOrInstant | None = Field(
        None, description="Bookings starting before this instant, or on or before this date."
    )
    cursor: Annotated[StrictStr, Field(max_length=256)] | None = None
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
    reschedule_url: str
    cancel_url: str


class BookingCreatedOut(BookingOut):
    manage_token: str = Field(description="Shown only here and in the attendee's email.")


class BookingPage(CamelSchema):
    results: list[BookingOut]
    next: str | None = Field(description="Pass as ``cursor`` for the next page; null at the end.")


class CancelOut(CamelSchema):
    booking_id: str
    status: Literal["cancelled"]
    rebook_options: list[SlotOut]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = Field(
        None, description="Only for invalid_request: field path to its messages."
    )


class ErrorOut(Schema):
    status: Literal["error"]
    error: ErrorDetail
