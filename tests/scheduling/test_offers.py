"""Rebook offers: the nearest other times, spread over the same and following days."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from wagtail_pmc_booking.scheduling import spread_offers

KOLKATA = ZoneInfo("Asia/Kolkata")


def local(day, hour, minute=0, tz=KOLKATA):
    return datetime(2026, 4, day, hour, minute, tzinfo=tz)


def half_hours(day, first_hour, last_hour, tz=KOLKATA):
    start = local(day, first_hour, tz=tz)
    return [start + timedelta(minutes=30 * i) for i in range((last_hour - first_hour) * 2)]


def test_the_cancelled_time_is_never_offered():
    cancelled = local(14, 15, 30)
    offers = spread_offers(half_hours(14, 9, 17), around=cancelled, tz=KOLKATA)
    assert cancelled not in offers
    assert len(offers) == 3


def test_offers_are_spread_not_back_to_back():
    """Like the product page: 3:30 PM cancelled, the others are hours apart, then tomorrow."""
    cancelled = local(14, 15, 30)
    slots = half_hours(14, 9, 17) + half_hours(15, 9, 17)
    offers = spread_offers(slots, around=cancelled, tz=KOLKATA)
    assert offers == [local(14, 13, 0), local(14, 15, 0), local(15, 15, 30)]
    same_day = [o for o in offers if o.date() == cancelled.date()]
    assert all(abs(a - b) >= timedelta(hours=2) for a in same_day for b in same_day if a != b)


def test_a_morning_of_slots_alone_still_fills_the_offers():
    cancelled = local(14, 10, 0)
    slots = [local(14, 9, 0), local(14, 9, 30), local(14, 10, 0), local(14, 10, 30)]
    assert spread_offers(slots, around=cancelled, tz=KOLKATA) == [
        local(14, 9, 0),
        local(14, 9, 30),
        local(14, 10, 30),
    ]


def test_days_are_the_attendees_local_days():
    """23:30 UTC on the 13th is the 14th in Kolkata: it counts as the cancelled day."""
    cancelled = local(14, 9, 0)
    late_utc = datetime(2026, 4, 13, 23, 30, tzinfo=UTC)  # 05:00 on the 14th in Kolkata
    next_day = local(15, 9, 0)
    assert spread_offers([next_day, late_utc], around=cancelled, tz=KOLKATA, count=1) == [late_utc]


def test_nothing_to_offer():
    assert spread_offers([], around=local(14, 9), tz=KOLKATA) == []
    assert spread_offers([local(14, 9)], around=local(14, 9), tz=KOLKATA) == []
    assert spread_offers(half_hours(14, 9, 12), around=local(14, 9), tz=KOLKATA, count=0) == []


instants = st.integers(min_value=0, max_value=14 * 48).map(
    lambda n: datetime(2026, 3, 20, tzinfo=UTC) + timedelta(minutes=30 * n)
)


@given(
    starts=st.lists(instants, max_size=60),
    around=instants,
    count=st.integers(min_value=0, max_value=5),
    zone=st.sampled_from(["Asia/Kolkata", "America/New_York", "Europe/London", "UTC"]),
)
def test_properties(starts, around, count, zone):
    offers = spread_offers(starts, around=around, tz=ZoneInfo(zone), count=count)
    candidates = set(starts) - {around}
    assert set(offers) <= candidates
    assert offers == sorted(set(offers))
    assert len(offers) == min(count, len(candidates))
