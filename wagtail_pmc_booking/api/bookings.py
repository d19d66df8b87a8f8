"""``/v1/bookings``: create, read, list, reschedule and cancel, all through ``booking.py``."""

from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from django.db.models import Q
from django.http import HttpResponse
from ninja import Body, Path, Query, Router
from ninja.responses import Status

from .. import booking as booking_service
from .. import links, offers
from ..models import Booking
from ..models.api_keys import Scope
from . import idempotency, lookups, presenters
from .auth import OPTIONAL_KEY, ApiKeyAuth, public
from .schemas import (
    BookingCreatedOut,
    BookingCreateIn,
    BookingListQuery,
    BookingOut,
    BookingPage,
    CancelIn,
    CancelOut,
    ErrorOut,
    RescheduleIn,
    Token,
)

router = Router(tags=["bookings"])

BookingId = Annotated[str, Path(alias="bookingId", description="The booking's id, bk_…")]
ManageToken = Annotated[Token | None, Query(description="The manage token, instead of an API key.")]
# The body may be left out when a key does the cancelling.
OptionalCancelIn = Annotated[CancelIn, Body()]
REBOOK_OPTIONS = 3


def present(booking):
    return presenters.booking_out(booking, links.manage_urls(booking))


# == Create ==

# OpenAPI links: what a client (or a stateful fuzzer) may call with a new booking's id.
CREATED_LINKS = {
    name: {"operationId": operation, "parameters": {"bookingId": "$response.body#/bookingId"}}
    for name, operation in [
        ("GetBooking", "getBooking"),
        ("RescheduleBooking", "rescheduleBooking"),
        ("CancelBooking", "cancelBooking"),
    ]
}


CREATED_HEADERS = {
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
    request,
    response: HttpResponse,
    payload: BookingCreateIn,
    idempotency_key: idempotency.IdempotencyKeyHeader = None,
):
    """Books ``start`` if it is bookable right now (409 ``slot_unavailable`` otherwise).
    The answer carries ``manageToken``; it is shown only here and in the attendee's email.
    A ``pmc_test_`` key makes a sandbox booking, which only test keys see."""
    client = request.auth

    def book():
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
            host=host,
            actor=client.actor,
            sandbox=client.sandbox,
        )

    if idempotency_key is None:
        result = book()
    elif client.is_anonymous:
        raise idempotency.needs_api_key()
    else:
        result, replayed = idempotency.book_once(client.api_key, idempotency_key, payload, book)
        if replayed:
            response[idempotency.REPLAYED_HEADER] = "true"
    # Read it back: the Zoom meeting may have been made inline right after the commit.
    booking = lookups.booking_by_id(result.booking.public_id)
    return Status(
        201,
        presenters.booking_created_out(
            booking, links.manage_urls(booking), result.manage_token
        ),
    )


# == Read ==


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def encode_cursor(booking):
    """``<start in µs since 1970>_<bookingId>`` of the last booking of a page."""
    return f"{(booking.start - EPOCH) // MICROSECOND}_{booking.public_id}"


def decode_cursor(cursor):
    """``(start, public_id)``; the query schema has already checked the shape."""
    micros, _sep, public_id = cursor.partition("_")
    return EPOCH + int(micros) * MICROSECOND, public_id


def lower_bound(value):
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=UTC)


def upper_bound(value):
    """An instant is exclusive; a date includes the whole (UTC) day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time(0), tzinfo=UTC)


@router.get(
    "/bookings",
    auth=ApiKeyAuth(Scope.BOOKINGS_READ),
    response={200: BookingPage, frozenset({400, 401, 403, 413, 422, 429}): ErrorOut},
    by_alias=True,
    operation_id="listBookings",
    summary="List bookings",
)
def list_bookings(request, query: Query[BookingListQuery]):
    """Ordered by start (then id). ``from``/``to`` take a date (UTC day, inclusive) or an
    instant (``to`` exclusive). Follow ``next`` as ``cursor`` until it is null. Test keys
    list sandbox bookings only, live keys live ones only."""
    bookings = Booking.objects.select_related("meeting_type", "host", "meeting").filter(
        is_sandbox=request.auth.sandbox
    )
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
    return BookingPage(
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
def get_booking(request, booking_id: BookingId, token: ManageToken = None):
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
def reschedule_booking(request, booking_id: BookingId, payload: RescheduleIn):
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
def cancel_booking(request, booking_id: BookingId, payload: OptionalCancelIn = None):
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
    tz = result.booking.attendee_timezone
    rebook = offers.rebook_offers(result.booking, count=REBOOK_OPTIONS)
    return CancelOut(
        booking_id=result.booking.public_id,
        status="cancelled",
        rebook_options=[presenters.rebook_option_out(offer, tz) for offer in rebook],
    )
