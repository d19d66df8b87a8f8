"""Weekly windows and out of office, read in the host's wall clock, as UTC instants."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from wagtail_pmc_booking.scheduling import (
    Interval,
    OutOfOfficeRule,
    WeeklyWindow,
    expand_windows,
    localize,
    out_of_office_intervals,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
SANTIAGO = ZoneInfo("America/Santiago")

MON, SAT, SUN = 0, 5, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def single_day(window: WeeklyWindow, tz: ZoneInfo, day: date):
    """The one expansion of ``window`` on ``day``, or None when the day drops it."""
    expanded = expand_windows([window], tz, day, day)
    assert len(expanded) <= 1
    return expanded[0] if expanded else None


class TestValidation:
    def test_weekday_outside_monday_to_sunday_is_refused(self):
        with pytest.raises(ValueError):
            WeeklyWindow(7, time(9), time(10))

    def test_window_must_start_before_it_ends(self):
        with pytest.raises(ValueError):
            WeeklyWindow(MON, time(10), time(10))

    def test_out_of_office_cannot_end_before_it_starts(self):
        with pytest.raises(ValueError):
            OutOfOfficeRule(date(2026, 4, 2), date(2026, 4, 1))

    def test_out_of_office_needs_both_times_or_neither(self):
        with pytest.raises(ValueError):
            OutOfOfficeRule(date(2026, 4, 1), date(2026, 4, 1), start_time=time(9))

    def test_out_of_office_window_must_not_be_empty(self):
        with pytest.raises(ValueError):
            OutOfOfficeRule(date(2026, 4, 1), date(2026, 4, 1), time(14), time(9))


class TestLocalize:
    def test_half_hour_offset(self):
        assert localize(date(2026, 4, 13), time(9), KOLKATA) == utc(2026, 4, 13, 3, 30)

    def test_quarter_hour_offset(self):
        assert localize(date(2026, 4, 13), time(9), KATHMANDU) == utc(2026, 4, 13, 3, 15)

    @pytest.mark.parametrize(
        ("tz", "day", "wall"),
        [
            (NEW_YORK, date(2026, 3, 8), time(2, 30)),
            (LONDON, date(2026, 3, 29), time(1, 30)),
            (LORD_HOWE, date(2026, 10, 4), time(2, 15)),
            (SANTIAGO, date(2026, 9, 6), time(0)),
        ],
    )
    def test_time_in_a_spring_forward_gap_does_not_exist(self, tz, day, wall):
        assert localize(day, wall, tz) is None

    @pytest.mark.parametrize(
        ("tz", "day", "wall", "first_occurrence"),
        [
            (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
            (LONDON, date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
            (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),
        ],
    )
    def test_ambiguous_time_means_its_first_occurrence(self, tz, day, wall, first_occurrence):
        assert localize(day, wall, tz) == first_occurrence

    def test_first_time_after_the_gap_exists(self):
        assert localize(date(2026, 10, 4), time(2, 30), LORD_HOWE) == utc(2026, 10, 3, 15, 30)


class TestExpandWindows:
    def test_one_expansion_per_matching_date_sorted_by_start(self):
        windows = [WeeklyWindow(MON, time(14), time(18)), WeeklyWindow(MON, time(9), time(12))]
        expanded = expand_windows(windows, KOLKATA, date(2026, 4, 13), date(2026, 4, 20))
        assert [(w.local_date, w.start, w.end) for w in expanded] == [
            (date(2026, 4, 13), utc(2026, 4, 13, 3, 30), utc(2026, 4, 13, 6, 30)),
            (date(2026, 4, 13), utc(2026, 4, 13, 8, 30), utc(2026, 4, 13, 12, 30)),
            (date(2026, 4, 20), utc(2026, 4, 20, 3, 30), utc(2026, 4, 20, 6, 30)),
            (date(2026, 4, 20), utc(2026, 4, 20, 8, 30), utc(2026, 4, 20, 12, 30)),
        ]

    def test_zone_may_be_given_by_name(self):
        window = WeeklyWindow(MON, time(9), time(10))
        by_name = expand_windows([window], "Asia/Kolkata", date(2026, 4, 13), date(2026, 4, 13))
        assert by_name == expand_windows([window], KOLKATA, date(2026, 4, 13), date(2026, 4, 13))

    def test_days_without_windows_give_nothing(self):
        window = WeeklyWindow(MON, time(9), time(10))
        assert expand_windows([window], KOLKATA, date(2026, 4, 14), date(2026, 4, 19)) == []

    def test_window_starting_in_the_gap_starts_when_the_clock_resumes(self):
        day_window = single_day(WeeklyWindow(SUN, time(2, 30), time(4)), NEW_YORK, date(2026, 3, 8))
        assert day_window.start == utc(2026, 3, 8, 7)

    def test_window_ending_in_the_gap_ends_when_the_clock_resumes(self):
        day_window = single_day(WeeklyWindow(SUN, time(1), time(2, 30)), NEW_YORK, date(2026, 3, 8))
        assert (day_window.start, day_window.end) == (utc(2026, 3, 8, 6), utc(2026, 3, 8, 7))

    def test_window_inside_the_gap_is_dropped(self):
        window = WeeklyWindow(SUN, time(2), time(2, 45))
        assert single_day(window, NEW_YORK, date(2026, 3, 8)) is None

    def test_window_across_spring_forward_is_an_hour_shorter(self):
        day_window = single_day(WeeklyWindow(SUN, time(0), time(6)), LONDON, date(2026, 3, 29))
        assert day_window.end - day_window.start == timedelta(hours=5)

    def test_window_across_fall_back_is_an_hour_longer(self):
        day_window = single_day(WeeklyWindow(SUN, time(0), time(6)), LONDON, date(2026, 10, 25))
        assert day_window.end - day_window.start == timedelta(hours=7)

    def test_lord_howe_shifts_by_half_an_hour(self):
        spring = single_day(WeeklyWindow(SUN, time(1), time(4)), LORD_HOWE, date(2026, 10, 4))
        autumn = single_day(WeeklyWindow(SUN, time(1), time(4)), LORD_HOWE, date(2026, 4, 5))
        assert spring.end - spring.start == timedelta(hours=2, minutes=30)
        assert autumn.end - autumn.start == timedelta(hours=3, minutes=30)

    def test_window_ending_in_the_repeated_hour_ends_at_its_first_occurrence(self):
        day_window = single_day(
            WeeklyWindow(SUN, time(0), time(1, 30)), NEW_YORK, date(2026, 11, 1)
        )
        assert day_window.end == utc(2026, 11, 1, 5, 30)


class TestOutOfOffice:
    def test_whole_day_is_local_midnight_to_midnight(self):
        rule = OutOfOfficeRule(date(2026, 4, 22), date(2026, 4, 22))
        blocked = out_of_office_intervals([rule], KOLKATA, date(2026, 4, 1), date(2026, 4, 30))
        assert blocked == [Interval(utc(2026, 4, 21, 18, 30), utc(2026, 4, 22, 18, 30))]

    def test_consecutive_days_merge_into_one_interval(self):
        rule = OutOfOfficeRule(date(2026, 4, 20), date(2026, 4, 22))
        blocked = out_of_office_intervals([rule], KOLKATA, date(2026, 4, 1), date(2026, 4, 30))
        assert blocked == [Interval(utc(2026, 4, 19, 18, 30), utc(2026, 4, 22, 18, 30))]

    def test_timed_rule_blocks_that_window_on_each_date(self):
        rule = OutOfOfficeRule(date(2026, 4, 23), date(2026, 4, 24), time(14), time(18))
        blocked = out_of_office_intervals([rule], KOLKATA, date(2026, 4, 1), date(2026, 4, 30))
        assert blocked == [
            Interval(utc(2026, 4, 23, 8, 30), utc(2026, 4, 23, 12, 30)),
            Interval(utc(2026, 4, 24, 8, 30), utc(2026, 4, 24, 12, 30)),
        ]

    @pytest.mark.parametrize(
        ("tz", "day", "hours"),
        [
            (NEW_YORK, date(2026, 3, 8), 23),
            (NEW_YORK, date(2026, 11, 1), 25),
            (LONDON, date(2026, 3, 29), 23),
            (LONDON, date(2026, 10, 25), 25),
        ],
    )
    def test_whole_day_follows_the_local_day_length(self, tz, day, hours):
        rule = OutOfOfficeRule(day, day)
        [blocked] = out_of_office_intervals([rule], tz, day, day)
        assert blocked.duration == timedelta(hours=hours)

    def test_whole_day_starting_in_a_midnight_gap_starts_when_the_clock_resumes(self):
        rule = OutOfOfficeRule(date(2026, 9, 6), date(2026, 9, 6))
        [blocked] = out_of_office_intervals([rule], SANTIAGO, date(2026, 9, 6), date(2026, 9, 6))
        assert blocked.start == utc(2026, 9, 6, 4)
        assert blocked.duration == timedelta(hours=23)

    def test_only_dates_near_the_range_are_expanded(self):
        rule = OutOfOfficeRule(date(2020, 1, 1), date(2030, 12, 31))
        blocked = out_of_office_intervals([rule], KOLKATA, date(2026, 4, 13), date(2026, 4, 13))
        assert blocked == [Interval(utc(2026, 4, 11, 18, 30), utc(2026, 4, 14, 18, 30))]

    def test_rules_outside_the_range_give_nothing(self):
        rule = OutOfOfficeRule(date(2026, 1, 1), date(2026, 1, 2))
        assert out_of_office_intervals([rule], KOLKATA, date(2026, 4, 1), date(2026, 4, 30)) == []
