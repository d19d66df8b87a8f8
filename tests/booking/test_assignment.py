"""Who gets the booking: fixed, round robin, least busy and collective pools."""

from collections import Counter
from datetime import timedelta

import pytest

from tests import factories
from tests.booking.conftest import ALL_WEEK, ATTENDEE, NOW
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import SlotUnavailable
from wagtail_pmc_booking.models import Booking

# Monday 6 April 2026, 08:00 UTC: the first hour every pool host is free.
MONDAY = NOW + timedelta(days=1, hours=8)


def hour(n):
    """The n-th hourly start from Monday 08:00 UTC, within 08:00–20:00 each day."""
    day, h = divmod(n, 12)
    return MONDAY + timedelta(days=day, hours=h)


def book(meeting_type, start, **fields):
    return booking_service.book(meeting_type, start=start, now=NOW, **{**ATTENDEE, **fields})


def test_round_robin_spreads_thirty_bookings_evenly_over_three_equal_hosts(make_pool):
    meeting_type, hosts = make_pool(3)
    for n in range(30):
        book(meeting_type, hour(n))

    per_host = Counter(Booking.objects.values_list("host__slug", flat=True))
    assert sorted(per_host.values()) == [10, 10, 10]
    assert set(per_host) == {host.slug for host in hosts}


def test_round_robin_takes_turns_in_order(make_pool):
    meeting_type, hosts = make_pool(3)
    chosen = [book(meeting_type, hour(n)).booking.host for n in range(6)]
    assert chosen == hosts + hosts


def test_round_robin_prefers_a_higher_priority_host_while_free(make_pool):
    meeting_type, (low, high, other) = make_pool(3)
    high.priority = 4
    high.save()

    chosen = {book(meeting_type, hour(n)).booking.host for n in range(3)}
    assert chosen == {high}
    assert book(meeting_type, hour(0)).booking.host in {low, other}


def test_round_robin_breaks_ties_on_recency_by_weight(make_pool):
    meeting_type, (light, heavy) = make_pool(2)
    heavy.weight = 200
    heavy.save()
    assert book(meeting_type, hour(0)).booking.host == heavy


def test_a_cancelled_booking_does_not_count_as_the_hosts_latest(make_pool):
    meeting_type, (first, second) = make_pool(2)
    booking_service.cancel(book(meeting_type, hour(0)).booking, now=NOW)
    assert book(meeting_type, hour(1)).booking.host == first


def test_asking_for_a_host_books_that_host(make_pool):
    meeting_type, (first, second, third) = make_pool(3)
    assert book(meeting_type, hour(0), host=third).booking.host == third


def test_asking_for_a_busy_host_is_unavailable_even_when_others_are_free(make_pool):
    meeting_type, (first, second) = make_pool(2)
    book(meeting_type, hour(0), host=second)
    with pytest.raises(SlotUnavailable):
        book(meeting_type, hour(0), host=second)
    assert book(meeting_type, hour(0)).booking.host == first


def test_a_pool_refuses_only_when_every_host_is_busy(make_pool):
    meeting_type, hosts = make_pool(3)
    for _ in hosts:
        book(meeting_type, hour(0))
    with pytest.raises(SlotUnavailable):
        book(meeting_type, hour(0))
    assert Booking.objects.count() == 3


def test_fixed_books_the_first_host(make_pool):
    meeting_type, (first, second) = make_pool(2, assignment="fixed")
    assert book(meeting_type, hour(0)).booking.host == first
    assert book(meeting_type, hour(1)).booking.host == first


def test_least_busy_books_the_host_with_fewest_bookings_that_week(make_pool):
    meeting_type, (busy, idle) = make_pool(2, assignment="least_busy")
    # ``busy`` was booked less recently than ``idle`` but has more bookings this week.
    book(meeting_type, hour(0), host=busy)
    book(meeting_type, hour(1), host=busy)
    book(meeting_type, hour(2), host=idle)

    assert book(meeting_type, hour(5)).booking.host == idle


def test_least_busy_ignores_bookings_of_other_weeks(make_pool):
    meeting_type, (first, second) = make_pool(2, assignment="least_busy")
    next_week = timedelta(days=7)
    for n in range(3):
        book(meeting_type, hour(n) + next_week, host=first)
    book(meeting_type, hour(0), host=second)

    assert book(meeting_type, hour(5)).booking.host == first


def test_least_busy_falls_back_to_round_robin_on_a_tie(make_pool):
    meeting_type, (first, second) = make_pool(2, assignment="least_busy")
    book(meeting_type, hour(0), host=second)
    book(meeting_type, hour(1), host=first)
    assert book(meeting_type, hour(5)).booking.host == second


# Collective ----------------------------------------------------------------------------


def test_collective_books_every_host_with_the_first_as_zoom_host(make_pool):
    meeting_type, (lead, second, third) = make_pool(3, assignment="collective")
    booking = book(meeting_type, hour(0)).booking

    assert booking.host == lead
    assert set(booking.co_hosts.all()) == {second, third}
    assert booking.events.get().data["hosts"] == [lead.slug, second.slug, third.slug]


def test_collective_blocks_every_host_for_their_other_meeting_types(make_pool):
    meeting_type, (lead, second) = make_pool(2, assignment="collective")
    solo = factories.make_meeting_type(hosts=[second], assignment="fixed")
    book(meeting_type, hour(0))

    with pytest.raises(SlotUnavailable):
        book(solo, hour(0))
    listed = availability.find_slots(
        solo, 30, range_start=hour(0) - timedelta(hours=1), range_end=hour(1), now=NOW
    )
    assert hour(0) not in [slot.start for slot in listed]


def test_collective_is_unavailable_when_any_host_is_busy(make_pool):
    meeting_type, (lead, second) = make_pool(2, assignment="collective")
    solo = factories.make_meeting_type(hosts=[second], assignment="fixed")
    book(solo, hour(0))

    with pytest.raises(SlotUnavailable):
        book(meeting_type, hour(0))


def test_collective_checks_each_co_hosts_own_buffers(make_pool):
    lead = factories.make_host(windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0)
    careful = factories.make_host(
        windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0, buffer_after_minutes=60
    )
    lead.buffer_after_minutes = 0
    lead.save()
    meeting_type, _ = make_pool(assignment="collective", hosts=[lead, careful])
    solo = factories.make_meeting_type(hosts=[careful], assignment="fixed")
    book(solo, hour(0))

    with pytest.raises(SlotUnavailable):
        book(meeting_type, hour(0) + timedelta(minutes=60))


# Reschedule and the policy -------------------------------------------------------------


def test_reschedule_keeps_the_host_when_free(make_pool):
    meeting_type, (first, second) = make_pool(2)
    booking = book(meeting_type, hour(0)).booking
    assert booking.host == first

    moved = booking_service.reschedule(booking, start=hour(3), now=NOW).booking
    assert moved.host == first
    assert "reassigned" not in set(moved.events.values_list("kind", flat=True))


def test_reschedule_reassigns_by_policy_when_the_host_is_busy(make_pool):
    meeting_type, (first, second) = make_pool(2)
    booking = book(meeting_type, hour(0), host=first).booking
    book(meeting_type, hour(3), host=first)

    moved = booking_service.reschedule(booking, start=hour(3), now=NOW).booking
    assert moved.host == second
    event = moved.events.get(kind="reassigned")
    assert (event.data["from"], event.data["to"]) == (first.slug, second.slug)


def test_reschedule_is_unavailable_when_every_host_is_busy(make_pool):
    meeting_type, (first, second) = make_pool(2)
    booking = book(meeting_type, hour(0)).booking
    book(meeting_type, hour(3))
    book(meeting_type, hour(3))
    with pytest.raises(SlotUnavailable):
        booking_service.reschedule(booking, start=hour(3), now=NOW)


def test_reschedule_of_a_collective_booking_keeps_all_hosts(make_pool):
    meeting_type, (lead, second) = make_pool(2, assignment="collective")
    booking = book(meeting_type, hour(0)).booking
    moved = booking_service.reschedule(booking, start=hour(4), now=NOW).booking

    assert moved.host == lead
    assert list(moved.co_hosts.all()) == [second]
    assert Booking.co_hosts.through.objects.count() == 1
