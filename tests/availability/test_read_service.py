"""The read service: slots from the database, in any timezone, in a fixed number of queries."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from wagtail_pmc_booking import availability
from wagtail_pmc_booking.exceptions import InvalidBookingRequest
from wagtail_pmc_booking.models import OutOfOffice

IST = ZoneInfo("Asia/Kolkata")
NY = ZoneInfo("America/New_York")
# A Sunday well before the seed's April 2026 week, so notice and horizon allow it all.
NOW = datetime(2026, 4, 5, 0, 0, tzinfo=UTC)


def local_starts(slots_by_day, tz):
    return {
        day: [s.start.astimezone(tz).strftime("%H:%M") for s in slots]
        for day, slots in slots_by_day.items()
    }


def slots_between(meeting_type, first, last, tz="Asia/Kolkata", duration=30):
    return availability.list_slots(
        meeting_type, start_date=first, end_date=last, tz=tz, duration=duration, now=NOW
    )


def confirm_booking(meeting_type, host, start, duration=30):
    return factories.make_booking_row(meeting_type, host, start, duration=duration)


def test_seed_monday_lists_every_half_hour_inside_both_windows(product_demo):
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13))
    monday = local_starts(days, IST)[date(2026, 4, 13)]
    assert monday[:3] == ["09:00", "09:30", "10:00"]
    assert "12:00" in monday and "12:30" not in monday
    assert monday[monday.index("12:00") + 1] == "14:00"
    assert monday[-1] == "17:30"
    assert len(monday) == 7 + 8


def test_whole_day_out_of_office_hides_the_day_and_blocked_window_hides_afternoon(product_demo):
    days = slots_between(product_demo, date(2026, 4, 20), date(2026, 4, 26))
    local = local_starts(days, IST)
    assert date(2026, 4, 22) not in local
    assert local[date(2026, 4, 24)] == ["09:00", "09:30", "10:00", "10:30", "11:00", "13:30"]
    assert date(2026, 4, 25) not in local and date(2026, 4, 26) not in local


def test_global_out_of_office_blocks_every_host(product_demo):
    OutOfOffice.objects.create(start_date=date(2026, 4, 13), end_date=date(2026, 4, 13))
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 14))
    assert list(days) == [date(2026, 4, 14)]


def test_disabled_out_of_office_is_ignored(product_demo, seed_host):
    seed_host.out_of_office.filter(reason="Travel Day").update(is_enabled=False)
    days = slots_between(product_demo, date(2026, 4, 22), date(2026, 4, 22))
    assert date(2026, 4, 22) in days


def test_booking_blocks_its_neighbours_through_buffers(product_demo, seed_host):
    confirm_booking(product_demo, seed_host, datetime(2026, 4, 13, 10, 0, tzinfo=IST))
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13))
    monday = local_starts(days, IST)[date(2026, 4, 13)]
    # [09:50, 10:45) is taken; 09:30's block [09:20, 10:15) and 10:30's [10:20, 11:15) hit it.
    assert monday[:2] == ["09:00", "11:00"]


def test_cancelled_booking_frees_its_slot(product_demo, seed_host):
    booking = confirm_booking(product_demo, seed_host, datetime(2026, 4, 13, 10, 0, tzinfo=IST))
    booking.status = "cancelled"
    booking.save()
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13))
    assert "10:00" in local_starts(days, IST)[date(2026, 4, 13)]


def test_slots_are_keyed_by_attendee_local_date(product_demo):
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13), tz="America/New_York")
    # Monday in New York is Monday evening / Tuesday morning in Kolkata.
    assert list(days) == [date(2026, 4, 13)]
    for slot in days[date(2026, 4, 13)]:
        assert slot.start.astimezone(NY).date() == date(2026, 4, 13)
    first = days[date(2026, 4, 13)][0].start.astimezone(IST)
    assert (first.date(), first.time()) == (date(2026, 4, 13), time(9, 30))


def test_the_same_slots_whatever_zone_renders_them(product_demo):
    def flat(tz):
        days = availability.list_slots(
            product_demo,
            start_date=date(2026, 4, 13),
            end_date=date(2026, 4, 17),
            tz=tz,
            duration=45,
            now=NOW,
        )
        return {s.start for slots in days.values() for s in slots}

    utc_view = availability.find_slots(
        product_demo,
        45,
        range_start=datetime(2026, 4, 12, 12, tzinfo=UTC),
        range_end=datetime(2026, 4, 18, 12, tzinfo=UTC),
        now=NOW,
    )
    kolkata = flat("Asia/Kolkata")
    assert kolkata == {s.start for s in utc_view}
    assert flat("Pacific/Kiritimati") <= kolkata | {s.start for s in utc_view}


def test_duration_the_meeting_type_does_not_offer_is_refused(product_demo):
    with pytest.raises(InvalidBookingRequest) as excinfo:
        slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13), tz="UTC", duration=20)
    assert "duration" in excinfo.value.fields


def test_host_that_does_not_offer_the_duration_shows_no_slots(product_demo, seed_host):
    seed_host.durations = [30]
    seed_host.save()
    days = slots_between(product_demo, date(2026, 4, 13), date(2026, 4, 13), tz="UTC", duration=60)
    assert days == {}


def test_collective_shows_only_times_when_every_host_is_free(seed_host):
    other = factories.make_host(windows={0: [(time(11, 0), time(13, 0))]})
    meeting = factories.make_meeting_type(hosts=[seed_host, other], assignment="collective")
    days = slots_between(meeting, date(2026, 4, 13), date(2026, 4, 13))
    assert local_starts(days, IST)[date(2026, 4, 13)] == ["11:00", "11:30", "12:00"]
    assert all(len(s.host_ids) == 2 for s in days[date(2026, 4, 13)])


def test_round_robin_shows_the_union_of_hosts(seed_host):
    other = factories.make_host(windows={5: [(time(9, 0), time(10, 0))]})
    meeting = factories.make_meeting_type(hosts=[seed_host, other], assignment="round_robin")
    days = slots_between(meeting, date(2026, 4, 11), date(2026, 4, 13))
    assert local_starts(days, IST)[date(2026, 4, 11)] == ["09:00", "09:30"]
    assert date(2026, 4, 13) in days


def test_inactive_hosts_and_meeting_types_show_nothing(product_demo, seed_host):
    seed_host.is_active = False
    seed_host.save()
    args = dict(start_date=date(2026, 4, 13), end_date=date(2026, 4, 13), tz="UTC", now=NOW)
    assert availability.list_slots(product_demo, **args) == {}
    seed_host.is_active = True
    seed_host.save()
    product_demo.is_active = False
    product_demo.save()
    assert availability.list_slots(product_demo, **args) == {}


def test_next_slots_returns_the_first_three_after_a_time(product_demo):
    found = availability.next_slots(
        product_demo, 30, after=datetime(2026, 4, 17, 6, 0, tzinfo=UTC), now=NOW
    )
    # Friday 17 April 11:30 IST is 06:00 UTC; the 11:30 window edge leaves 13:30 onwards.
    assert [s.start.astimezone(IST).strftime("%d %H:%M") for s in found] == [
        "17 13:30",
        "17 14:00",
        "17 14:30",
    ]


@pytest.mark.parametrize("host_count", [1, 12])
def test_slot_listing_uses_a_fixed_number_of_queries(db, django_assert_max_num_queries, host_count):
    hosts = [factories.make_seed_host() for _ in range(host_count)]
    meeting = factories.make_meeting_type(hosts=hosts, max_bookings_per_host_per_day=4)
    for host in hosts:
        confirm_booking(meeting, host, datetime(2026, 4, 14, 10, 0, tzinfo=IST))
    with django_assert_max_num_queries(5):  # hosts, hours, out of office, bookings, busy
        days = slots_between(meeting, date(2026, 4, 6), date(2026, 6, 4), tz="Europe/Berlin")
    assert len(days) > 30
