"""Slot listing rules beyond the seed host: DST days, query edges, pools, rendering."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from wagtail_pmc_booking.scheduling import (
    DAY,
    Cap,
    HostSchedule,
    Interval,
    Slot,
    SlotQuery,
    WeeklyWindow,
    default_step,
    host_slots,
    is_bookable,
    pool_slots,
    slots_by_local_date,
)

MON, SUN = 0, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def host(tz: str, *windows: tuple[int, time, time], host_id: int = 1) -> HostSchedule:
    return HostSchedule(host_id, tz, tuple(WeeklyWindow(*window) for window in windows))


def around(day: date, duration: int = 30, interval: int | None = None) -> SlotQuery:
    """Everything starting within two days either side of ``day``, bookable long ago."""
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    return SlotQuery(
        duration=duration,
        interval=interval,
        now=utc(2000, 1, 1),
        minimum_notice=0,
        horizon_days=365 * 100,
        range_start=midnight - timedelta(days=2),
        range_end=midnight + timedelta(days=2),
    )


def starts(schedule: HostSchedule, query: SlotQuery) -> list[datetime]:
    return [slot.start for slot in host_slots(schedule, query)]


def walls(schedule: HostSchedule, query: SlotQuery) -> list[str]:
    """Slot starts as the host reads them, with the UTC offset to tell repeats apart."""
    tz = ZoneInfo(schedule.timezone)
    return [f"{start.astimezone(tz):%H:%M%z}" for start in starts(schedule, query)]


class TestSpringForward:
    def test_new_york_skips_the_starts_that_do_not_exist(self):
        schedule = host("America/New_York", (SUN, time(1), time(4)))
        assert walls(schedule, around(date(2026, 3, 8))) == [
            "01:00-0500", "01:30-0500", "03:00-0400", "03:30-0400",
        ]  # fmt: skip

    def test_slot_before_the_gap_lasts_its_duration_in_real_time(self):
        schedule = host("America/New_York", (SUN, time(1), time(4)))
        slot = host_slots(schedule, around(date(2026, 3, 8)))[1]
        assert (slot.start, slot.end) == (utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7))

    def test_hour_slots_keep_stepping_on_the_wall_clock(self):
        schedule = host("America/New_York", (SUN, time(1), time(4)))
        assert walls(schedule, around(date(2026, 3, 8), duration=60)) == [
            "01:00-0500", "03:00-0400",
        ]  # fmt: skip

    def test_steps_count_from_the_window_start_not_from_the_gap_end(self):
        schedule = host("America/New_York", (SUN, time(2, 30), time(4)))
        assert walls(schedule, around(date(2026, 3, 8), duration=30, interval=45)) == [
            "03:15-0400",
        ]

    def test_london(self):
        schedule = host("Europe/London", (SUN, time(0), time(3)))
        assert starts(schedule, around(date(2026, 3, 29))) == [
            utc(2026, 3, 29, 0), utc(2026, 3, 29, 0, 30),
            utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30),
        ]  # fmt: skip

    def test_lord_howe_half_hour_gap(self):
        schedule = host("Australia/Lord_Howe", (SUN, time(1), time(4)))
        assert walls(schedule, around(date(2026, 10, 4))) == [
            "01:00+1030", "01:30+1030", "02:30+1100", "03:00+1100", "03:30+1100",
        ]  # fmt: skip

    def test_the_moment_the_clock_resumes_is_not_a_start_unless_a_step_lands_on_it(self):
        schedule = host("America/New_York", (SUN, time(2, 30), time(4)))
        query = around(date(2026, 3, 8), duration=30, interval=45)
        assert not is_bookable(schedule, utc(2026, 3, 8, 7), query)
        assert is_bookable(schedule, utc(2026, 3, 8, 7, 15), query)


class TestFallBack:
    def test_new_york_offers_the_repeated_hour_once(self):
        schedule = host("America/New_York", (SUN, time(0), time(3)))
        assert walls(schedule, around(date(2026, 11, 1), duration=60)) == [
            "00:00-0400", "01:00-0400", "02:00-0500",
        ]  # fmt: skip

    def test_slot_at_the_first_occurrence_lasts_its_duration_in_real_time(self):
        schedule = host("America/New_York", (SUN, time(0), time(3)))
        slot = host_slots(schedule, around(date(2026, 11, 1), duration=60))[1]
        assert (slot.start, slot.end) == (utc(2026, 11, 1, 5), utc(2026, 11, 1, 6))

    def test_second_occurrence_cannot_be_booked(self):
        schedule = host("America/New_York", (SUN, time(0), time(3)))
        query = around(date(2026, 11, 1), duration=60)
        assert is_bookable(schedule, utc(2026, 11, 1, 5), query)
        assert not is_bookable(schedule, utc(2026, 11, 1, 6), query)

    def test_london(self):
        schedule = host("Europe/London", (SUN, time(0, 30), time(2, 30)))
        assert starts(schedule, around(date(2026, 10, 25), duration=60)) == [
            utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 30),
        ]  # fmt: skip

    def test_lord_howe_half_hour_repeat(self):
        schedule = host("Australia/Lord_Howe", (SUN, time(1), time(3)))
        assert walls(schedule, around(date(2026, 4, 5))) == [
            "01:00+1100", "01:30+1100", "02:00+1030", "02:30+1030",
        ]  # fmt: skip


class TestFixedOffsets:
    def test_kathmandu_quarter_hour_offset(self):
        schedule = host("Asia/Kathmandu", (MON, time(9), time(10)))
        assert starts(schedule, around(date(2026, 4, 13))) == [
            utc(2026, 4, 13, 3, 15), utc(2026, 4, 13, 3, 45),
        ]  # fmt: skip

    def test_kolkata_half_hour_offset(self):
        schedule = host("Asia/Kolkata", (MON, time(9), time(10)))
        assert starts(schedule, around(date(2026, 4, 13))) == [
            utc(2026, 4, 13, 3, 30), utc(2026, 4, 13, 4),
        ]  # fmt: skip


class TestQuery:
    def test_no_interval_steps_a_40_minute_meeting_by_half_hours(self):
        schedule = host("UTC", (MON, time(9), time(11)))
        assert starts(schedule, around(date(2026, 4, 13), duration=40)) == [
            utc(2026, 4, 13, 9), utc(2026, 4, 13, 9, 30), utc(2026, 4, 13, 10),
        ]  # fmt: skip

    def test_no_interval_puts_45_minute_meetings_on_the_half_hour_grid(self):
        schedule = host("UTC", (MON, time(12), time(15)))
        walls_of = [
            s.strftime("%H:%M") for s in starts(schedule, around(date(2026, 4, 13), duration=45))
        ]
        assert walls_of == ["12:00", "12:30", "13:00", "13:30", "14:00"]

    @pytest.mark.parametrize(
        ("duration", "step"), [(15, 15), (20, 15), (30, 30), (45, 30), (50, 30), (60, 60), (90, 60)]
    )
    def test_default_step_is_the_largest_clean_step_within_the_duration(self, duration, step):
        assert default_step(duration) == step

    def test_no_interval_starts_an_odd_window_at_the_next_quarter_hour(self):
        schedule = host("UTC", (MON, time(9, 10), time(11)))
        assert starts(schedule, around(date(2026, 4, 13), duration=30)) == [
            utc(2026, 4, 13, 9, 15), utc(2026, 4, 13, 9, 45), utc(2026, 4, 13, 10, 15),
        ]  # fmt: skip
        assert not is_bookable(
            schedule, utc(2026, 4, 13, 9, 10), around(date(2026, 4, 13), duration=30)
        )
        assert is_bookable(
            schedule, utc(2026, 4, 13, 9, 45), around(date(2026, 4, 13), duration=30)
        )

    def test_an_explicit_interval_counts_from_the_exact_window_start(self):
        schedule = host("UTC", (MON, time(9, 10), time(10, 30)))
        query = replace(around(date(2026, 4, 13), duration=30), interval=40)
        assert starts(schedule, query) == [utc(2026, 4, 13, 9, 10), utc(2026, 4, 13, 9, 50)]

    def test_range_start_is_inclusive_and_range_end_exclusive(self):
        schedule = host("UTC", (MON, time(9), time(11)))
        query = replace(
            around(date(2026, 4, 13)),
            range_start=utc(2026, 4, 13, 9, 30),
            range_end=utc(2026, 4, 13, 10, 30),
        )
        assert starts(schedule, query) == [utc(2026, 4, 13, 9, 30), utc(2026, 4, 13, 10)]

    def test_overlapping_windows_do_not_list_a_slot_twice(self):
        schedule = host("UTC", (MON, time(9), time(10)), (MON, time(9), time(11)))
        assert len(starts(schedule, around(date(2026, 4, 13)))) == 4

    def test_empty_range_lists_nothing(self):
        schedule = host("UTC", (MON, time(9), time(11)))
        query = replace(around(date(2026, 4, 13)), range_end=utc(2026, 4, 11))
        assert host_slots(schedule, query) == []

    @pytest.mark.parametrize(("duration", "interval"), [(0, None), (30, 0), (-15, None)])
    def test_durations_and_intervals_must_be_positive(self, duration, interval):
        with pytest.raises(ValueError):
            replace(around(date(2026, 4, 13)), duration=duration, interval=interval)

    def test_naive_times_are_refused(self):
        with pytest.raises(ValueError):
            replace(around(date(2026, 4, 13)), now=datetime(2026, 4, 13))

    def test_daily_cap_counts_the_hosts_own_date_not_utc(self):
        schedule = replace(
            host("Asia/Tokyo", (MON, time(1), time(3))), caps=(Cap(DAY, 1, {date(2026, 4, 13): 1}),)
        )
        assert starts(schedule, around(date(2026, 4, 13))) == []

    def test_out_of_range_start_can_still_be_booked(self):
        schedule = host("UTC", (MON, time(9), time(11)))
        query = replace(around(date(2026, 4, 13)), range_end=utc(2026, 4, 13, 10))
        assert is_bookable(schedule, utc(2026, 4, 13, 10), query)


class TestPools:
    ALICE = host("UTC", (MON, time(9), time(11)), host_id=7)
    BOB = host("UTC", (MON, time(10), time(12)), host_id=3)
    QUERY = around(date(2026, 4, 13), duration=60)

    def test_union_offers_a_time_when_anyone_is_free(self):
        assert pool_slots([self.ALICE, self.BOB], self.QUERY, "union") == [
            Slot(utc(2026, 4, 13, 9), utc(2026, 4, 13, 10), (7,)),
            Slot(utc(2026, 4, 13, 10), utc(2026, 4, 13, 11), (7, 3)),
            Slot(utc(2026, 4, 13, 11), utc(2026, 4, 13, 12), (3,)),
        ]

    def test_union_names_free_hosts_in_input_order(self):
        [_, both, _] = pool_slots([self.BOB, self.ALICE], self.QUERY, "union")
        assert both.host_ids == (3, 7)

    def test_intersection_offers_only_times_when_everyone_is_free(self):
        assert pool_slots([self.ALICE, self.BOB], self.QUERY, "intersection") == [
            Slot(utc(2026, 4, 13, 10), utc(2026, 4, 13, 11), (7, 3)),
        ]

    def test_busy_host_drops_out_of_the_pool_slot(self):
        busy_bob = replace(
            self.BOB, busy=(Interval(utc(2026, 4, 13, 10), utc(2026, 4, 13, 11)).seconds,)
        )
        union = pool_slots([self.ALICE, busy_bob], self.QUERY, "union")
        assert union[1] == Slot(utc(2026, 4, 13, 10), utc(2026, 4, 13, 11), (7,))
        assert pool_slots([self.ALICE, busy_bob], self.QUERY, "intersection") == []

    @pytest.mark.parametrize("mode", ["union", "intersection"])
    def test_no_hosts_no_slots(self, mode):
        assert pool_slots([], self.QUERY, mode) == []

    def test_unknown_mode_is_refused(self):
        with pytest.raises(ValueError):
            pool_slots([self.ALICE], self.QUERY, "everyone")


class TestSlotsByLocalDate:
    SLOTS = [
        Slot(utc(2026, 4, 14, 3), utc(2026, 4, 14, 4), (1,)),
        Slot(utc(2026, 4, 13, 23), utc(2026, 4, 14, 0), (1,)),
        Slot(utc(2026, 4, 13, 9), utc(2026, 4, 13, 10), (1,)),
    ]

    def test_grouped_by_the_attendee_date_in_order(self):
        grouped = slots_by_local_date(self.SLOTS, "America/New_York")
        assert list(grouped) == [date(2026, 4, 13)]
        assert grouped[date(2026, 4, 13)] == sorted(self.SLOTS)

    def test_same_slots_fall_on_other_dates_elsewhere(self):
        grouped = slots_by_local_date(self.SLOTS, ZoneInfo("Asia/Tokyo"))
        assert {day: len(slots) for day, slots in grouped.items()} == {
            date(2026, 4, 13): 1,
            date(2026, 4, 14): 2,
        }

    def test_days_without_slots_are_omitted(self):
        assert slots_by_local_date([], "UTC") == {}
