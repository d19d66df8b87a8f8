"""``GET /v1/slots``: bookable times of a meeting type, in the attendee's zone."""

import zoneinfo
from datetime import date, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from .. import availability, slot_cache
from ..conf import booking_settings
from ..exceptions import BookingCancelled, InvalidBookingRequest
from ..models import Booking, MeetingType
from . import lookups, presenters
from .auth import OPTIONAL_KEY, ApiRequest, public
from .schemas import ErrorOut, SlotsOut, SlotsQuery

router = Router(tags=["slots"])


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidBookingRequest(
            _("The range ends before it starts."),
            fields={"end": [_("Choose a day on or after the start.")]},
        )
    limit = booking_settings.MAX_SLOT_RANGE_DAYS
    if end - start >= timedelta(days=limit):
        raise InvalidBookingRequest(
            _("Ask for at most %(days)s days at a time.") % {"days": limit},
            fields={"end": [_("At most %(days)s days after the start.") % {"days": limit}]},
        )


def rescheduled_booking(
    request: ApiRequest, meeting_type: MeetingType, query: SlotsQuery
) -> Booking | None:
    """The booking whose attendee is choosing a new time, if the query names one."""
    if not query.rescheduling:
        return None
    booking = lookups.booking_for(request, query.rescheduling, query.token)
    if booking.meeting_type_id != meeting_type.pk:
        raise InvalidBookingRequest(
            _("That booking is for another meeting type."),
            fields={"rescheduling": [_("Use the booking's own meeting type.")]},
        )
    if not booking.is_confirmed:
        raise BookingCancelled()
    return booking


@router.get(
    "/slots",
    auth=public(),
    openapi_extra=OPTIONAL_KEY,
    response={200: SlotsOut, frozenset({400, 401, 404, 409, 413, 422, 429}): ErrorOut},
    by_alias=True,
    operation_id="listSlots",
    summary="List bookable slots",
)
def list_slots(request: ApiRequest, query: Query[SlotsQuery]) -> HttpResponse:
    """Days are the attendee-local dates of ``timezone`` (default: the first host's zone);
    ``start`` and ``end`` are inclusive and at most 62 days apart. Days without slots
    are left out; instants carry the attendee's offset."""
    meeting_type = lookups.meeting_type(query.meeting_type)
    check_range(query.start, query.end)
    tz: str = query.timezone or availability.default_timezone(meeting_type)
    zone = zoneinfo.ZoneInfo(tz)
    host_ids = [lookups.pool_host(meeting_type, query.host).pk] if query.host else None
    duration = availability.resolve_duration(meeting_type, query.duration)
    moving = rescheduled_booking(request, meeting_type, query)

    def answer() -> bytes:
        days = availability.list_slots(
            meeting_type,
            start_date=query.start,
            end_date=query.end,
            tz=tz,
            duration=duration,
            host_ids=host_ids,
            exclude_booking_id=moving.pk if moving else None,
        )
        return presenters.slots_answer(meeting_type.slug, duration, tz, days, zone)

    # The answer itself is cached beside the slots, under the same version and minute:
    # a repeated listing is one cache read, not a regrouping and re-encoding of a month.
    minute = timezone.now().replace(second=0, microsecond=0)
    parts = ("api", meeting_type.pk, duration, query.start, query.end, tz, host_ids, minute)
    body = slot_cache.cached((*parts, moving.pk if moving else None), answer)
    return HttpResponse(body, content_type="application/json")
