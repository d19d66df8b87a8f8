"""Date overrides (a date's own hours instead of its weekday's) and caps per day or week."""

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.scheduling.test_slots import around, host, is_bookable, starts, utc, walls
from wagtail_pmc_booking.scheduling import DAY, WEEK, Cap, DateOverride, expand_windows, pool_slots
from wagtail_pmc_booking.scheduling.slots import UNION

MON, FRI, SAT, SUN = 0, 4, 5, 6
MONDAY = date(2026, 4, 13)
SATURDAY = date(2026, 4, 18)


def only(day: date, schedule, query=None):
    """Starts on the host-local ``day`` as "HH:MM" on the host's clock."""
    tz = ZoneInfo(schedule.timezone)
    found = starts(schedule, query or around(day))
    return [f"{s.astimezone(tz):%H:%M}" for s in found if s.astimezone(tz).date() == day]


class TestDateOverrides:
    WEEK_HOST = host("UTC", (MON, time(9), time(11)), (FRI, time(9), time(17)))

    def test_a_saturday_override_opens_a_day_without_windows(self):
        opened = replace(
            self.WEEK_HOST, date_overrides=(DateOverride(SATURDAY, time(10), time(11)),)
        )
        assert only(SATURDAY, self.WEEK_HOST) == []
        assert only(SATURDAY, opened) == ["10:00", "10:30"]

    def test_an_override_replaces_the_weekday_windows_of_its_date_only(self):
        friday = date(2026, 4, 17)
        shorter = replace(self.WEEK_HOST, date_overrides=(DateOverride(friday, time(9), time(10)),))
        assert only(friday, shorter) == ["09:00", "09:30"]
        next_friday = friday + timedelta(days=7)
        assert only(next_friday, shorter) == only(next_friday, self.WEEK_HOST)

    def test_several_overrides_on_one_date_all_count(self):
        both = replace(
            self.WEEK_HOST,
            date_overrides=(
                DateOverride(MONDAY, time(14), time(15)),
                DateOverride(MONDAY, time(8), time(9)),
            ),
        )
        assert only(MONDAY, both) == ["08:00", "08:30", "14:00", "14:30"]

    def test_the_override_date_is_the_hosts_own(self):
        """Saturday in Kolkata starts on Friday evening UTC."""
        kolkata = host("Asia/Kolkata")
        opened = replace(kolkata, date_overrides=(DateOverride(SATURDAY, time(1), time(2)),))
        assert starts(opened, around(SATURDAY)) == [utc(2026, 4, 17, 19, 30), utc(2026, 4, 17, 20)]

    def test_an_override_on_a_spring_forward_night_skips_the_gap(self):
        night = date(2026, 3, 8)
        schedule = replace(
            host("America/New_York"), date_overrides=(DateOverride(night, time(1), time(4)),)
        )
        assert walls(schedule, around(night)) == [
            "01:00-0500", "01:30-0500", "03:00-0400", "03:30-0400",
        ]  # fmt: skip

    def test_an_override_start_is_bookable_and_its_weekday_window_is_not(self):
        opened = replace(self.WEEK_HOST, date_overrides=(DateOverride(MONDAY, time(15), time(16)),))
        assert is_bookable(opened, utc(2026, 4, 13, 15), around(MONDAY))
        assert not is_bookable(opened, utc(2026, 4, 13, 9), around(MONDAY))

    def test_expanding_uses_the_overrides_of_each_date(self):
        day_windows = expand_windows(
            self.WEEK_HOST.windows,
            "UTC",
            MONDAY,
            MONDAY + timedelta(days=7),
            [DateOverride(MONDAY, time(12), time(13))],
        )
        assert [(d.local_date, d.window.start) for d in day_windows] == [
            (MONDAY, time(12)),
            (date(2026, 4, 17), time(9)),
            (MONDAY + timedelta(days=7), time(9)),
        ]

    @pytest.mark.parametrize(
        ("start", "end"), [(time(10), time(10)), (time(11), time(10))], ids=["empty", "reversed"]
    )
    def test_an_override_must_start_before_it_ends(self, start, end):
        with pytest.raises(ValueError, match="start before it ends"):
            DateOverride(SATURDAY, start, end)

    def test_override_times_are_wall_clock_times(self):
        with pytest.raises(ValueError, match="naive"):
            DateOverride(SATURDAY, time(10, tzinfo=ZoneInfo("UTC")), time(11))


class TestCaps:
    DAILY = host("UTC", *[(day, time(9), time(10)) for day in range(7)])

    def test_a_week_cap_counts_monday_to_sunday(self):
        full = replace(self.DAILY, caps=(Cap(WEEK, 2, {MONDAY: 2}),))
        assert only(MONDAY + timedelta(days=6), full) == []  # Sunday, same week
        assert only(MONDAY + timedelta(days=7), full) == ["09:00", "09:30"]  # next Monday
        assert only(MONDAY - timedelta(days=1), full) == ["09:00", "09:30"]  # Sunday before

    def test_every_cap_must_allow_the_booking(self):
        day_room, week_full = Cap(DAY, 5, {}), Cap(WEEK, 3, {MONDAY: 3})
        assert only(MONDAY, replace(self.DAILY, caps=(day_room,))) == ["09:00", "09:30"]
        assert only(MONDAY, replace(self.DAILY, caps=(day_room, week_full))) == []

    def test_the_week_is_the_hosts_own(self):
        """Monday 08:00 in Tokyo is Sunday 23:00 UTC: it belongs to the capped week."""
        tokyo = host("Asia/Tokyo", (MON, time(8), time(9)))
        capped = replace(tokyo, caps=(Cap(WEEK, 1, {MONDAY: 1}),))
        assert starts(tokyo, around(MONDAY)) == [utc(2026, 4, 12, 23), utc(2026, 4, 12, 23, 30)]
        assert starts(capped, around(MONDAY)) == []

    def test_a_capped_host_leaves_the_pool_to_the_others(self):
        alice = replace(self.DAILY, host_id=1, caps=(Cap(WEEK, 1, {MONDAY: 1}),))
        bob = replace(self.DAILY, host_id=2)
        slots = [
            s for s in pool_slots([alice, bob], around(MONDAY), UNION) if s.start.date() == MONDAY
        ]
        assert {s.host_ids for s in slots} == {(2,)}

    def test_period_of_is_the_date_or_its_monday(self):
        assert Cap(DAY, 1).period_of(SATURDAY) == SATURDAY
        assert Cap(WEEK, 1).period_of(SATURDAY) == MONDAY
        assert Cap(WEEK, 1).period_of(MONDAY) == MONDAY

    @pytest.mark.parametrize(("period", "limit"), [("month", 1), (DAY, -1)])
    def test_a_cap_is_per_day_or_week_and_not_negative(self, period, limit):
        with pytest.raises(ValueError):
            Cap(period, limit)
