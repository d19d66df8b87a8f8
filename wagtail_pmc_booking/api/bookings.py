"""``/v1/bookings``: create, read, list, reschedule and cancel, all through ``booking.py``."""

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from django.db.models import Q
from django.http import HttpResponse
from ninja import Body, Path, Query, Router
from ninja.responses import Status

from .. import booking as booking_service
from .. import languages, links, offers
from ..models import Booking
from ..models.api_keys import Scope
from . import idempotency, lookups, presenters
from .auth import OPTIONAL_KEY, ApiKeyAuth, ApiRequest, public
from .schemas import (
    BookingCreatedOut,
    BookingCreateIn,
    BookingListPage,
    BookingListQuery,
    BookingOut,
    CancelIn,
    CancelOut,
    ErrorOut,
    RescheduleIn,
    Token,
)

router = Router(tags=["bookings"])

BookingId = Annotated[str, Path(alias="bookingId", description="The booking's id, bk_…")]
ManageToken = Annotated[Token | None, Query(description="The manage token, instead of an API key.")]
# The body may be left out when a key does the cancelling: the view gets None. ninja
# documents the annotation, and "CancelIn | None" would offer a JSON null the parser refuses.
if TYPE_CHECKING:
    OptionalCancelIn = CancelIn | None
else:
    OptionalCancelIn = Annotated[CancelIn, Body()]
REBOOK_OPTIONS = 3


def present(booking: Booking) -> BookingOut:
    return presenters.booking_out(booking, links.manage_urls(booking))


# == Create ==

# OpenAPI links: what a client (or a stateful fuzzer) may call with a new booking's id.
CREATED_LINKS: dict[str, Any] = {
    name: {"operationId": operation, "parameters": {"bookingId": "$response.body#/bookingId"}}
    for name, operation in [
        ("GetBooking", "getBooking"),
        ("RescheduleBooking", "rescheduleBooking"),
        ("CancelBooking", "cancelBooking"),
    ]
}


CREATED_HEADERS: dict[str, Any] = {
    idempotency.REPLAYED_HEADER: {
        "description": "`true` when an Idempotency-Key replays an earlier booking.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


@router.post(
    "/bookings",
    auth=public(),
    openapi_extra={
        **OPTIONAL_KEY,
        "responses": {201: {"links": CREATED_LINKS, "headers": CREATED_HEADERS}},
    },
    response={
        201: BookingCreatedOut,
        frozenset({400, 401, 404, 409, 413, 422, 429, 503}): ErrorOut,
    },
    by_alias=True,
    operation_id="createBooking",
    summary="Book a slot",
)
def create_booking(
    request: ApiRequest,
    response: HttpResponse,
    payload: BookingCreateIn,
    idempotency_key: idempotency.IdempotencyKeyHeader = None,
) -> Status[BookingCreatedOut]:
    """Books ``start`` if it is bookable right now (409 ``slot_unavailable`` otherwise).
    The answer carries ``manageToken``; it is shown only here and in the attendee's email.
    A ``pmc_test_`` key makes a sandbox booking, which only test keys see."""
    client = request.auth

    def book() -> booking_service.BookingResult:
        meeting_type = lookups.meeting_type(payload.meeting_type)
        host = lookups.pool_host(meeting_type, payload.host) if payload.host else None
        return booking_service.book(
            meeting_type,
            start=payload.start,
            duration=payload.duration,
            attendee_name=payload.attendee.name,
            attendee_email=payload.attendee.email,
            attendee_timezone=payload.attendee.timezone,
            notes=payload.notes,
            answers=payload.answers,
            tracking=payload.tracking,
            language=payload.attendee.language or languages.for_request(request),
            host=host,
            actor=client.actor,
            sandbox=client.sandbox,
        )

    if idempotency_key is None:
        result = book()
    elif client.api_key is None:
        raise idempotency.needs_api_key()
    else:
        result, replayed = idempotency.book_once(client.api_key, idempotency_key, payload, book)
        if replayed:
            response[idempotency.REPLAYED_HEADER] = "true"
    # Read it back: the Zoom meeting may have been made inline right after the commit.
    booking = lookups.booking_by_id(result.booking.public_id)
    return Status(
        201,
        presenters.booking_created_out(booking, links.manage_urls(booking), result.manage_token),
    )


# == Read ==


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def encode_cursor(booking: Booking) -> str:
    """``<start in µs since 1970>_<bookingId>`` of the last booking of a page."""
    return f"{(booking.start - EPOCH) // MICROSECOND}_{booking.public_id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """``(start, public_id)``; the query schema has already checked the shape."""
    micros, _sep, public_id = cursor.partition("_")
    return EPOCH + int(micros) * MICROSECOND, public_id


def lower_bound(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=UTC)


def upper_bound(value: date | datetime) -> datetime:
    """An instant is exclusive; a date includes the whole (UTC) day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time(0), tzinfo=UTC)


@router.get(
    "/bookings",
    auth=ApiKeyAuth(Scope.BOOKINGS_READ),
    response={200: BookingListPage, frozenset({400, 401, 403, 413, 422, 429}): ErrorOut},
    by_alias=True,
    operation_id="listBookings",
    summary="List bookings",
)
def list_bookings(request: ApiRequest, query: Query[BookingListQuery]) -> BookingListPage:
    """Ordered by start (then id). ``from``/``to`` take a date (UTC day, inclusive) or an
    instant (``to`` exclusive). Follow ``next`` as ``cursor`` until it is null. Test keys
    list sandbox bookings only, live keys live ones only."""
    bookings = Booking.objects.select_related(
        "meeting_type", "host", "meeting", "attendance"
    ).filter(is_sandbox=request.auth.sandbox)
    if query.status:
        bookings = bookings.filter(status=query.status)
    if query.host:
        bookings = bookings.filter(host__slug=query.host)
    if query.from_ is not None:
        bookings = bookings.filter(start__gte=lower_bound(query.from_))
    if query.to is not None:
        bookings = bookings.filter(start__lt=upper_bound(query.to))
    if query.cursor:
        start, public_id = decode_cursor(query.cursor)
        bookings = bookings.filter(Q(start__gt=start) | Q(start=start, public_id__gt=public_id))
    page = list(bookings.order_by("start", "public_id")[: query.limit + 1])
    more = len(page) > query.limit
    page = page[: query.limit]
    return BookingListPage(
        results=[present(b) for b in page],
        next=encode_cursor(page[-1]) if more else None,
    )


@router.get(
    "/bookings/{bookingId}",
    auth=public(Scope.BOOKINGS_READ),
    openapi_extra=OPTIONAL_KEY,
    response={200: BookingOut, frozenset({401, 403, 404, 413, 422, 429}): ErrorOut},
    by_alias=True,
    operation_id="getBooking",
    summary="Get a booking",
)
def get_booking(
    request: ApiRequest, booking_id: BookingId, token: ManageToken = None
) -> BookingOut:
    """With a ``bookings:read`` key, or with the booking's manage token as ``?token=``."""
    return present(lookups.booking_for(request, booking_id, token))


# == Change ==


@router.post(
    "/bookings/{bookingId}/reschedule",
    auth=public(Scope.BOOKINGS_WRITE),
    openapi_extra=OPTIONAL_KEY,
    response={
        200: BookingOut,
        frozenset({400, 401, 403, 404, 409, 413, 422, 429, 503}): ErrorOut,
    },
    by_alias=True,
    operation_id="rescheduleBooking",
    summary="Reschedule a booking",
)
def reschedule_booking(
    request: ApiRequest, booking_id: BookingId, payload: RescheduleIn
) -> BookingOut:
    """With a ``bookings:write`` key, or the manage token as ``token`` in the body. The
    booking's revision goes up and its manage token (in the links) changes."""
    booking = lookups.booking_for(request, booking_id, payload.token, changing=True)
    result = booking_service.reschedule(
        booking,
        start=payload.start,
        duration=payload.duration,
        actor=request.auth.actor,
        token=payload.token if request.auth.is_anonymous else None,
    )
    return present(lookups.booking_by_id(result.booking.public_id))


@router.post(
    "/bookings/{bookingId}/cancel",
    auth=public(Scope.BOOKINGS_WRITE),
    openapi_extra=OPTIONAL_KEY,
    response={
        200: CancelOut,
        frozenset({400, 401, 403, 404, 409, 413, 422, 429, 503}): ErrorOut,
    },
    by_alias=True,
    operation_id="cancelBooking",
    summary="Cancel a booking",
)
def cancel_booking(
    request: ApiRequest, booking_id: BookingId, payload: OptionalCancelIn = None
) -> CancelOut:
    """With a ``bookings:write`` key, or the manage token as ``token`` in the body.
    Answers up to three times to book again; a second cancel is 409 ``booking_cancelled``."""
    payload = payload or CancelIn()
    booking = lookups.booking_for(request, booking_id, payload.token, changing=True)
    result = booking_service.cancel(
        booking,
        reason=payload.reason,
        actor=request.auth.actor,
        token=payload.token if request.auth.is_anonymous else None,
    )
    tz = result.booking.attendee_zoneinfo
    rebook = offers.rebook_offers(result.booking, count=REBOOK_OPTIONS)
    return CancelOut(
        booking_id=result.booking.public_id,
        status="cancelled",
        rebook_options=[presenters.rebook_option_out(offer, tz) for offer in rebook],
    )
