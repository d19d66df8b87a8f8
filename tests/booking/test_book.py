"""Booking: what the listing shows can be booked, and nothing else."""

from datetime import UTC, date, time, timedelta, timezone

import pytest

from tests import factories
from tests.booking.conftest import ATTENDEE, IST, NOW, ist
from wagtail_pmc_booking import availability, links
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import InvalidBookingRequest, SlotUnavailable
from wagtail_pmc_booking.models import Booking, OutOfOffice
from wagtail_pmc_booking.tokens import manage_token_lookup_hash


def test_booking_a_listed_slot_confirms_it_in_utc_with_its_buffers(book_slot, seed_host):
    result = book_slot(ist(13, 9, 30), duration=45)

    booking = Booking.objects.get()
    assert booking == result.booking
    assert booking.status == "confirmed"
    assert booking.host == seed_host
    assert booking.start == ist(13, 9, 30) and booking.start.tzinfo == UTC
    assert booking.end == ist(13, 10, 15)
    assert booking.duration_minutes == 45
    assert booking.blocked_start == ist(13, 9, 20)
    assert booking.blocked_end == ist(13, 10, 30)
    assert booking.sequence == 0
    assert (booking.attendee_name, booking.attendee_timezone) == ("Dana Scully", "America/New_York")


def test_start_may_be_given_in_any_offset(book_slot):
    new_york_offset = timezone(timedelta(hours=-4))
    booking = book_slot(ist(13, 11).astimezone(new_york_offset)).booking
    assert booking.start == ist(13, 11)
    assert booking.start.utcoffset() == timedelta(0)


def test_public_id_is_random_and_the_manage_token_is_stored_only_as_a_hash(book_slot):
    first = book_slot(ist(13, 10))
    second = book_slot(ist(13, 11))

    assert first.booking.public_id.startswith("bk_") and len(first.booking.public_id) >= 15
    assert first.booking.public_id[3:] != second.booking.public_id[3:]
    assert first.manage_token not in first.booking.manage_token_hash
    assert first.booking.manage_token_hash == manage_token_lookup_hash(first.manage_token)
    assert links.get_by_manage_token(first.manage_token) == first.booking


def test_the_default_duration_is_the_meeting_types(book_slot, product_demo):
    assert book_slot(ist(13, 10)).booking.duration_minutes == product_demo.default_duration


def test_booking_records_a_created_event(book_slot):
    booking = book_slot(ist(13, 10), actor="api:key-1").booking

    (event,) = booking.events.all()
    assert event.kind == "created"
    assert event.actor == "api:key-1"
    assert event.data["start"] == ist(13, 10).astimezone(UTC).isoformat()
    assert event.data["hosts"] == ["asha"]


def test_every_slot_the_listing_shows_for_a_day_can_be_booked(product_demo):
    day = availability.list_slots(
        product_demo, start_date=date(2026, 4, 14), end_date=date(2026, 4, 14), tz=IST, now=NOW
    )[date(2026, 4, 14)]
    # Slots 30 minutes apart overlap through the buffers: book every other one.
    for slot in day[::2]:
        booking_service.book(product_demo, start=slot.start, now=NOW, **ATTENDEE)
    assert Booking.objects.count() == len(day[::2])


# Refusals: the exact listing predicate is re-checked -----------------------------------


def test_a_tampered_start_between_steps_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 9, 7))
    assert not Booking.objects.exists()


def test_a_start_with_seconds_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 9).replace(second=30))


def test_a_time_outside_the_weekly_windows_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 13))


def test_a_meeting_that_would_run_past_the_window_end_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 12), duration=60)


def test_a_weekend_day_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(11, 10))


def test_a_whole_day_out_of_office_is_refused(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(22, 10))


def test_a_blocked_window_out_of_office_is_refused_but_the_morning_is_not(book_slot):
    with pytest.raises(SlotUnavailable):
        book_slot(ist(24, 14))
    assert book_slot(ist(24, 10)).booking


def test_a_disabled_out_of_office_does_not_block(book_slot):
    OutOfOffice.objects.filter(start_date=date(2026, 4, 22)).update(is_enabled=False)
    assert book_slot(ist(22, 10)).booking


def test_a_start_inside_the_buffer_of_another_booking_is_refused(book_slot):
    book_slot(ist(13, 10))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10, 30))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 9, 30))
    assert Booking.objects.count() == 1


def test_the_exact_same_slot_cannot_be_booked_twice(book_slot):
    book_slot(ist(13, 10))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10), attendee_email="other@example.com")


def test_a_start_before_the_minimum_notice_is_refused(book_slot):
    now = ist(13, 8)
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 9, 30), now=now)
    assert book_slot(ist(13, 10), now=now).booking


def test_a_start_beyond_the_booking_horizon_is_refused(book_slot, product_demo):
    product_demo.booking_horizon_days = 7
    product_demo.save()
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10))
    assert book_slot(ist(10, 10)).booking


def test_the_daily_cap_refuses_a_second_booking_that_day(book_slot, product_demo):
    product_demo.max_bookings_per_host_per_day = 1
    product_demo.save()
    book_slot(ist(13, 10))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 15))
    assert book_slot(ist(14, 10)).booking


def test_a_cancelled_booking_frees_its_slot(book_slot):
    first = book_slot(ist(13, 10)).booking
    booking_service.cancel(first, now=NOW)
    assert book_slot(ist(13, 10)).booking.status == "confirmed"


def test_a_cancelled_booking_does_not_count_towards_the_daily_cap(book_slot, product_demo):
    product_demo.max_bookings_per_host_per_day = 1
    product_demo.save()
    booking_service.cancel(book_slot(ist(13, 10)).booking, now=NOW)
    assert book_slot(ist(13, 15)).booking


# Refusals: bad requests ----------------------------------------------------------------


def test_a_duration_the_meeting_type_does_not_offer_is_invalid(book_slot, product_demo):
    product_demo.durations = [30]
    product_demo.save()
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10), duration=60)
    assert "duration" in refused.value.fields


def test_a_duration_the_host_does_not_offer_is_invalid(book_slot, seed_host):
    seed_host.durations = [30]
    seed_host.save()
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10), duration=60)
    assert "duration" in refused.value.fields


def test_in_a_pool_a_length_only_a_busy_host_offers_is_unavailable(make_pool):
    meeting_type, (long_talker, short) = make_pool(2)
    short.durations = [30]
    short.save()
    start = NOW.replace(hour=10) + timedelta(days=1)
    booking_service.book(
        meeting_type, start=start, duration=60, host=long_talker, now=NOW, **ATTENDEE
    )
    with pytest.raises(SlotUnavailable):
        booking_service.book(meeting_type, start=start, duration=60, now=NOW, **ATTENDEE)


def test_a_host_of_another_meeting_type_is_invalid(book_slot):
    stranger = factories.make_host()
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10), host=stranger)
    assert set(refused.value.fields) == {"host"}


def test_an_inactive_host_cannot_be_asked_for(book_slot, seed_host):
    seed_host.is_active = False
    seed_host.save()
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10), host=seed_host)
    assert "host" in refused.value.fields


def test_an_inactive_meeting_type_cannot_be_booked(book_slot, product_demo):
    product_demo.is_active = False
    product_demo.save()
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10))
    assert "meeting_type" in refused.value.fields


@pytest.mark.parametrize(
    ("fields", "culprit"),
    [
        ({"attendee_name": "   "}, "attendee_name"),
        ({"attendee_name": "x" * 256}, "attendee_name"),
        ({"attendee_email": "not-an-email"}, "attendee_email"),
        ({"attendee_email": "dana@example.com\nBcc: x@example.com"}, "attendee_email"),
        ({"attendee_timezone": "Mars/Olympus_Mons"}, "attendee_timezone"),
        ({"notes": "x" * 5001}, "notes"),
        ({"start": ist(13, 10).replace(tzinfo=None)}, "start"),
        ({"duration": 20}, "duration"),
    ],
)
def test_invalid_input_names_the_field(book_slot, fields, culprit):
    start = fields.pop("start", ist(13, 10))
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(start, **fields)
    assert set(refused.value.fields) == {culprit}
    assert refused.value.code == "invalid_request"
    assert not Booking.objects.exists()


def test_several_invalid_fields_are_reported_together(book_slot):
    with pytest.raises(InvalidBookingRequest) as refused:
        book_slot(ist(13, 10), attendee_name="", attendee_email="nope")
    assert set(refused.value.fields) == {"attendee_name", "attendee_email"}


def test_notes_of_exactly_the_limit_are_accepted(book_slot):
    assert book_slot(ist(13, 10), notes="x" * 5000).booking.notes == "x" * 5000


def test_name_and_email_are_trimmed(book_slot):
    booking = book_slot(
        ist(13, 10), attendee_name="  Dana ", attendee_email=" d@example.com "
    ).booking
    assert (booking.attendee_name, booking.attendee_email) == ("Dana", "d@example.com")


def test_the_attendee_zone_does_not_change_which_times_can_be_booked(book_slot):
    booking = book_slot(ist(13, 9), attendee_timezone="Pacific/Auckland").booking
    assert booking.start.astimezone(IST).time() == time(9)
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 13), attendee_timezone="Pacific/Auckland")
