"""Times offered to an attendee who already has a booking: where it could move, and what
to book instead once it is cancelled.

Readers over ``availability``: the API, the emails and the manage pages all build their
offers here, so the three show the same times with the same signed links.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from . import availability, links, scheduling
from .models import Booking
from .scheduling import Slot
from .scheduling.offers import DEFAULT_COUNT

# Rebook offers are looked for this far from the cancelled booking's local day.
REBOOK_SEARCH_DAYS = timedelta(days=7)


@dataclass(frozen=True)
class RebookOffer:
    """A free slot for a cancelled booking's attendee, with the signed value that books it
    (posted by the manage page's form) and the absolute link to that page (emails, API)."""

    slot: Slot
    offer: str
    url: str


def rebook_options(
    booking: Booking, count: int = DEFAULT_COUNT, now: datetime | None = None
) -> list[Slot]:
    """Free slots to offer after a cancel: near the cancelled time, spread over days
    (see ``scheduling.spread_offers``)."""
    meeting_type = booking.meeting_type
    if booking.duration_minutes not in (meeting_type.durations or []):
        return []
    now = now or timezone.now()
    tz = booking.attendee_zoneinfo
    first_day = max(booking.start, now).astimezone(tz).date()
    range_start, range_end = availability.local_day_range(
        first_day, first_day + REBOOK_SEARCH_DAYS, tz
    )
    slots = availability.find_slots(
        meeting_type,
        booking.duration_minutes,
        range_start=max(range_start, now),
        range_end=range_end,
        now=now,
    )
    if not slots:
        slots = availability.next_slots(
            meeting_type, booking.duration_minutes, after=range_end, count=count, now=now
        )
    by_start = {slot.start: slot for slot in slots}
    starts = scheduling.spread_offers(by_start, around=booking.start, tz=tz, count=count)
    return [by_start[start] for start in starts]


def rebook_offers(
    booking: Booking,
    *,
    count: int = DEFAULT_COUNT,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> list[RebookOffer]:
    """``rebook_options`` with each slot's signed offer and absolute link."""
    offers = []
    for slot in rebook_options(booking, count=count, now=now):
        offer = links.rebook_offer(booking, slot.start)
        url = links.rebook_page_url(offer, booking=booking, request=request)
        offers.append(RebookOffer(slot=slot, offer=offer, url=url))
    return offers


def reschedule_options(
    booking: Booking, *, range_start: datetime, range_end: datetime, now: datetime | None = None
) -> list[Slot]:
    """Slots ``booking`` could move to: its meeting type's slots with its own time freed."""
    meeting_type = booking.meeting_type
    duration = booking.duration_minutes
    if not meeting_type.is_active or duration not in (meeting_type.durations or []):
        return []
    slots = availability.find_slots(
        meeting_type,
        duration,
        range_start=range_start,
        range_end=range_end,
        now=now,
        exclude_booking_id=booking.pk,
    )
    return [slot for slot in slots if slot.start != booking.start]
