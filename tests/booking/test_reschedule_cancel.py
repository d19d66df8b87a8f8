"""Rescheduling and cancelling: one revision each, old links die, the trail remembers."""

from datetime import UTC

import pytest

from tests.booking.conftest import NOW, ist
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import links, offers
from wagtail_pmc_booking.exceptions import (
    BookingCancelled,
    InvalidBookingRequest,
    SlotUnavailable,
)
from wagtail_pmc_booking.models import Booking, BookingEvent


def kinds(booking):
    return list(booking.events.values_list("kind", flat=True))


def test_rescheduling_moves_the_booking_and_bumps_its_sequence(demo_booking):
    result = booking_service.reschedule(demo_booking, start=ist(14, 11), now=NOW)

    booking = Booking.objects.get()
    assert booking.start == ist(14, 11) and booking.end == ist(14, 11, 30)
    assert (booking.blocked_start, booking.blocked_end) == (ist(14, 10, 50), ist(14, 11, 45))
    assert booking.sequence == 1
    assert result.booking.sequence == 1
    assert booking.public_id == demo_booking.public_id


def test_rescheduling_can_change_the_length(demo_booking):
    booking = booking_service.reschedule(demo_booking, start=ist(14, 10), duration=60, now=NOW)
    assert booking.booking.duration_minutes == 60
    assert booking.booking.end == ist(14, 11)


def test_rescheduling_frees_the_old_time(demo_booking, book_slot):
    booking_service.reschedule(demo_booking, start=ist(14, 11), now=NOW)
    assert book_slot(ist(13, 10)).booking.start == ist(13, 10)


def test_rescheduling_next_to_its_own_old_time_is_allowed(demo_booking):
    booking = booking_service.reschedule(demo_booking, start=ist(13, 10, 30), now=NOW).booking
    assert booking.start == ist(13, 10, 30)


def test_rescheduling_to_the_same_time_is_a_no_op(demo_booking, django_capture_on_commit_callbacks):
    token = links.manage_token_for(demo_booking)
    with django_capture_on_commit_callbacks() as callbacks:
        result = booking_service.reschedule(demo_booking, start=ist(13, 10), now=NOW)

    booking = Booking.objects.get()
    assert booking.sequence == 0
    assert result.manage_token == token
    assert links.get_by_manage_token(token) == booking
    assert kinds(booking) == ["created"]
    assert callbacks == []


def test_rescheduling_to_the_same_start_with_a_new_length_is_a_change(demo_booking):
    booking = booking_service.reschedule(demo_booking, start=ist(13, 10), duration=15, now=NOW)
    assert booking.booking.sequence == 1 and booking.booking.duration_minutes == 15


def test_rescheduling_to_a_tampered_start_is_refused_and_changes_nothing(demo_booking):
    with pytest.raises(SlotUnavailable):
        booking_service.reschedule(demo_booking, start=ist(14, 10, 7), now=NOW)
    booking = Booking.objects.get()
    assert (booking.start, booking.sequence) == (ist(13, 10), 0)
    assert kinds(booking) == ["created"]


def test_rescheduling_into_another_bookings_buffer_is_refused(demo_booking, book_slot):
    book_slot(ist(14, 10), attendee_email="other@example.com")
    with pytest.raises(SlotUnavailable):
        booking_service.reschedule(demo_booking, start=ist(14, 10, 30), now=NOW)


def test_rescheduling_to_an_unoffered_length_is_invalid(demo_booking):
    with pytest.raises(InvalidBookingRequest) as refused:
        booking_service.reschedule(demo_booking, start=ist(14, 10), duration=20, now=NOW)
    assert "duration" in refused.value.fields


def test_rescheduling_needs_an_aware_start(demo_booking):
    with pytest.raises(InvalidBookingRequest) as refused:
        booking_service.reschedule(demo_booking, start=ist(14, 10).replace(tzinfo=None), now=NOW)
    assert "start" in refused.value.fields


def test_rescheduling_a_cancelled_booking_is_refused(demo_booking):
    booking_service.cancel(demo_booking, now=NOW)
    with pytest.raises(BookingCancelled):
        booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)


def test_rescheduling_a_stale_copy_of_a_cancelled_booking_is_refused(demo_booking):
    stale = Booking.objects.get(pk=demo_booking.pk)
    booking_service.cancel(demo_booking, now=NOW)
    with pytest.raises(BookingCancelled):
        booking_service.reschedule(stale, start=ist(14, 10), now=NOW)


def test_cancelling_records_who_when_and_why(demo_booking):
    when = ist(10, 12).astimezone(UTC)
    result = booking_service.cancel(demo_booking, reason=" Travel ", now=when, actor="host")

    booking = Booking.objects.get()
    assert booking.status == "cancelled" and result.booking.status == "cancelled"
    assert booking.cancelled_at == when
    assert booking.cancel_reason == "Travel"
    assert booking.sequence == 1
    event = booking.events.get(kind="cancelled")
    assert (event.actor, event.data["reason"]) == ("host", "Travel")


def test_cancelling_twice_is_refused(demo_booking):
    booking_service.cancel(demo_booking, now=NOW)
    with pytest.raises(BookingCancelled) as refused:
        booking_service.cancel(demo_booking, now=NOW)
    assert refused.value.code == "booking_cancelled"
    assert Booking.objects.get().sequence == 1


def test_a_cancel_reason_over_the_limit_is_invalid(demo_booking):
    with pytest.raises(InvalidBookingRequest) as refused:
        booking_service.cancel(demo_booking, reason="x" * 5001, now=NOW)
    assert "reason" in refused.value.fields
    assert Booking.objects.get().is_confirmed


# Manage tokens -------------------------------------------------------------------------


def test_rescheduling_rotates_the_manage_token(book_slot):
    created = book_slot(ist(13, 10))
    moved = booking_service.reschedule(created.booking, start=ist(14, 10), now=NOW)

    assert moved.manage_token != created.manage_token
    assert links.get_by_manage_token(created.manage_token) is None
    assert links.get_by_manage_token(moved.manage_token).pk == created.booking.pk


def test_cancelling_rotates_the_manage_token(book_slot):
    created = book_slot(ist(13, 10))
    booking_service.cancel(created.booking, now=NOW)
    assert links.get_by_manage_token(created.manage_token) is None


@pytest.mark.parametrize("token", ["", "x" * 40, "0" * 40, "../../etc", "é" * 40, None, "a" * 500])
def test_unknown_or_malformed_tokens_open_nothing(demo_booking, token):
    assert links.get_by_manage_token(token) is None


def test_the_manage_token_is_derived_not_stored(book_slot):
    result = book_slot(ist(13, 10))
    row = Booking.objects.filter(pk=result.booking.pk).values().get()
    assert result.manage_token not in {str(value) for value in row.values()}
    assert links.manage_token_for(Booking.objects.get()) == result.manage_token


def test_manage_urls_are_absolute_links_to_the_public_pages(book_slot):
    result = book_slot(ist(13, 10))
    urls = links.manage_urls(result.booking)
    assert urls == {
        "reschedule": f"http://testserver/booking/manage/{result.manage_token}/reschedule/",
        "cancel": f"http://testserver/booking/manage/{result.manage_token}/cancel/",
    }


# Audit trail ---------------------------------------------------------------------------


def test_the_audit_trail_records_created_rescheduled_and_cancelled_in_order(demo_booking):
    booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW, actor="attendee")
    booking_service.cancel(demo_booking, now=NOW, actor="admin:ops")

    events = list(demo_booking.events.all())
    assert [e.kind for e in events] == ["created", "rescheduled", "cancelled"]
    moved = events[1].data
    assert moved["from"]["start"] == ist(13, 10).astimezone(UTC).isoformat()
    assert moved["to"]["start"] == ist(14, 10).astimezone(UTC).isoformat()
    assert events[2].actor == "admin:ops"


def test_audit_events_cannot_be_changed_or_removed(demo_booking):
    event = BookingEvent.objects.get()
    event.message = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()


# Rebook options ------------------------------------------------------------------------


def test_rebook_options_are_near_the_cancelled_time_and_spread_over_days(demo_booking):
    """10:00 cancelled: the nearest other time, one two hours on, the same time tomorrow;
    never the cancelled 10:00 itself, never three back-to-back slots of one morning."""
    booking_service.cancel(demo_booking, now=NOW)
    options = offers.rebook_options(demo_booking, now=ist(13, 7))

    assert [o.start for o in options] == [ist(13, 9, 30), ist(13, 11, 30), ist(14, 10)]
    assert demo_booking.start not in [o.start for o in options]
    assert all(o.end - o.start == demo_booking.end - demo_booking.start for o in options)


def test_reschedule_options_leave_out_the_current_time_but_offer_its_neighbours(demo_booking):
    slots = offers.reschedule_options(
        demo_booking, range_start=ist(13, 9), range_end=ist(13, 12), now=NOW
    )
    starts = [slot.start for slot in slots]
    assert ist(13, 10) not in starts
    assert ist(13, 9, 30) in starts and ist(13, 10, 30) in starts
