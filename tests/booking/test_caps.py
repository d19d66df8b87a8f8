"""Caps per day and week: the meeting type's count its own bookings, the host's count all;
listing and booking agree, and a capped host leaves a pool to the others."""

import pytest

from tests import factories
from tests.booking.conftest import ALL_WEEK, ATTENDEE, NOW, utc
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import SlotUnavailable
from wagtail_pmc_booking.models import Host


@pytest.fixture
def host(db):
    return factories.make_host(
        windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0, buffer_after_minutes=0
    )


def book(meeting_type, start, **fields):
    return booking_service.book(meeting_type, start=start, now=NOW, **ATTENDEE, **fields).booking


def listed_on(meeting_type, day):
    days = availability.list_slots(
        meeting_type, start_date=day.date(), end_date=day.date(), tz="UTC", now=NOW
    )
    return days.get(day.date(), [])


def test_a_weekly_cap_of_a_meeting_type_closes_the_rest_of_its_week(host):
    demo = factories.make_meeting_type(hosts=[host], max_bookings_per_host_per_week=2)
    book(demo, utc(13, 9))  # Monday
    book(demo, utc(15, 9))  # Wednesday

    assert listed_on(demo, utc(19, 9)) == []  # Sunday, same week
    with pytest.raises(SlotUnavailable):
        book(demo, utc(17, 9))
    assert book(demo, utc(20, 9)).status == "confirmed"  # next Monday


def test_a_meeting_types_cap_counts_only_its_own_bookings(host):
    demo = factories.make_meeting_type(hosts=[host], max_bookings_per_host_per_week=1)
    other = factories.make_meeting_type(hosts=[host])
    book(other, utc(13, 9))

    assert book(demo, utc(14, 9)).status == "confirmed"


def test_the_hosts_own_caps_count_every_meeting_type(host):
    Host.objects.filter(pk=host.pk).update(max_bookings_per_day=1, max_bookings_per_week=2)
    demo, other = (factories.make_meeting_type(hosts=[host]) for _ in range(2))
    book(demo, utc(13, 9))

    assert listed_on(other, utc(13, 9)) == []
    with pytest.raises(SlotUnavailable):
        book(other, utc(13, 11))
    book(other, utc(14, 9))
    with pytest.raises(SlotUnavailable):
        book(demo, utc(16, 9))  # the week holds two already


def test_a_cancelled_booking_gives_its_place_back(host):
    Host.objects.filter(pk=host.pk).update(max_bookings_per_week=1)
    demo = factories.make_meeting_type(hosts=[host])
    booking_service.cancel(book(demo, utc(13, 9)), now=NOW)

    assert book(demo, utc(14, 9)).status == "confirmed"


@pytest.mark.parametrize("assignment", ["round_robin", "least_busy"])
def test_round_robin_and_least_busy_skip_a_capped_host(db, assignment):
    hosts = [
        factories.make_host(
            windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0, buffer_after_minutes=0
        )
        for _ in range(2)
    ]
    capped, free = hosts
    Host.objects.filter(pk=capped.pk).update(max_bookings_per_week=1)
    demo = factories.make_meeting_type(hosts=hosts, assignment=assignment)
    book(demo, utc(13, 9), host=capped)

    assigned = {book(demo, utc(14, hour)).host_id for hour in (9, 10, 11)}

    assert assigned == {free.pk}
    assert {s.host_ids for s in listed_on(demo, utc(15, 9))} == {(free.pk,)}


def test_listing_a_capped_pool_costs_no_extra_queries(host, django_assert_max_num_queries):
    Host.objects.filter(pk=host.pk).update(max_bookings_per_day=2, max_bookings_per_week=5)
    demo = factories.make_meeting_type(hosts=[host], max_bookings_per_host_per_week=3)
    book(demo, utc(13, 9))
    with django_assert_max_num_queries(5):
        assert listed_on(demo, utc(14, 9))
