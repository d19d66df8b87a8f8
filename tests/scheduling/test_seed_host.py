"""The host from the product page, checked slot by slot.

Asia/Kolkata, Mon–Fri windows, buffers 10 before / 15 after, out of office on
2026-04-18 and 2026-04-22 (whole days) and 2026-04-24 14:00–18:00.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from wagtail_pmc_booking.scheduling import (
    DAY,
    Cap,
    HostSchedule,
    Interval,
    OutOfOfficeRule,
    SlotQuery,
    WeeklyWindow,
    blocked_range,
    host_slots,
    is_bookable,
    slots_by_local_date,
)

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")

SEED_HOST = HostSchedule(
    host_id=1,
    timezone="Asia/Kolkata",
    windows=tuple(
        WeeklyWindow(weekday, time(*start), time(*end))
        for weekday, start, end in [
            (0, (9, 0), (12, 30)),
            (0, (14, 0), (18, 0)),
            (1, (10, 0), (13, 0)),
            (1, (15, 0), (17, 30)),
            (2, (9, 30), (12, 30)),
            (2, (14, 0), (17, 0)),
            (3, (10, 0), (14, 0)),
            (3, (16, 0), (19, 0)),
            (4, (9, 0), (11, 30)),
            (4, (13, 30), (16, 30)),
        ]
    ),
    out_of_office=(
        OutOfOfficeRule(date(2026, 4, 18), date(2026, 4, 18)),
        OutOfOfficeRule(date(2026, 4, 22), date(2026, 4, 22)),
        OutOfOfficeRule(date(2026, 4, 24), date(2026, 4, 24), time(14), time(18)),
    ),
    buffer_before=10,
    buffer_after=15,
)


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    """An April 2026 wall-clock time in Kolkata, as the UTC instant stored."""
    return datetime(2026, 4, day, hour, minute, tzinfo=IST).astimezone(UTC)


def query_for(
    day: int,
    duration: int = 30,
    interval: int | None = None,
    now: datetime | None = None,
    minimum_notice: int = 120,
    horizon_days: int = 60,
) -> SlotQuery:
    """Slots starting on one IST date of April 2026, asked on 2026-04-10 at noon IST."""
    return SlotQuery(
        duration=duration,
        interval=interval,
        now=now or ist(10, 12),
        minimum_notice=minimum_notice,
        horizon_days=horizon_days,
        range_start=ist(day, 0),
        range_end=ist(day, 0) + timedelta(days=1),
    )


def ist_starts(schedule: HostSchedule, query: SlotQuery) -> list[str]:
    return [f"{slot.start.astimezone(IST):%H:%M}" for slot in host_slots(schedule, query)]


def every(step: int, first: str, last: str) -> list[str]:
    """Wall-clock labels from ``first`` to ``last`` inclusive, ``step`` minutes apart."""
    start = datetime.combine(date(2026, 4, 13), time.fromisoformat(first))
    end = datetime.combine(date(2026, 4, 13), time.fromisoformat(last))
    labels = []
    while start <= end:
        labels.append(f"{start:%H:%M}")
        start += timedelta(minutes=step)
    return labels


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (13, every(30, "09:00", "12:00") + every(30, "14:00", "17:30")),
        (14, every(30, "10:00", "12:30") + every(30, "15:00", "17:00")),
        (15, every(30, "09:30", "12:00") + every(30, "14:00", "16:30")),
        (16, every(30, "10:00", "13:30") + every(30, "16:00", "18:30")),
        (17, every(30, "09:00", "11:00") + every(30, "13:30", "16:00")),
    ],
)
def test_half_hour_slots_fill_each_weekday_window(day, expected):
    assert ist_starts(SEED_HOST, query_for(day)) == expected


def test_monday_half_hour_slots_exactly():
    assert ist_starts(SEED_HOST, query_for(13)) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
        "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00", "17:30",
    ]  # fmt: skip


def test_hour_slots_step_by_the_hour_and_fit_inside_the_window():
    assert ist_starts(SEED_HOST, query_for(14, duration=60)) == [
        "10:00", "11:00", "12:00", "15:00", "16:00",
    ]  # fmt: skip


def test_45_minute_slots_every_15_minutes():
    assert ist_starts(SEED_HOST, query_for(13, duration=45, interval=15)) == (
        every(15, "09:00", "11:45") + every(15, "14:00", "17:15")
    )


def test_slots_end_duration_after_they_start():
    assert all(
        slot.end - slot.start == timedelta(minutes=45)
        for slot in host_slots(SEED_HOST, query_for(13, duration=45, interval=15))
    )


@pytest.mark.parametrize("day", [18, 19])
def test_no_slots_at_the_weekend(day):
    assert ist_starts(SEED_HOST, query_for(day)) == []


def test_no_slots_on_the_travel_day():
    assert ist_starts(SEED_HOST, query_for(22)) == []


def test_whole_day_out_of_office_leaves_the_neighbouring_days_alone():
    assert ist_starts(SEED_HOST, query_for(21)) == ist_starts(SEED_HOST, query_for(14))
    assert ist_starts(SEED_HOST, query_for(23)) == ist_starts(SEED_HOST, query_for(16))


def test_blocked_window_hides_the_afternoon_of_the_24th():
    assert ist_starts(SEED_HOST, query_for(24)) == every(30, "09:00", "11:00") + ["13:30"]


def test_slot_running_into_the_blocked_window_is_hidden():
    assert ist_starts(SEED_HOST, query_for(24, duration=60)) == ["09:00", "10:00"]


def test_new_york_attendee_sees_monday_morning_ist_on_sunday_evening():
    grouped = slots_by_local_date(host_slots(SEED_HOST, query_for(13)), NEW_YORK)
    rendered = {
        day: [f"{slot.start.astimezone(NEW_YORK):%H:%M}" for slot in slots]
        for day, slots in grouped.items()
    }
    assert rendered == {
        date(2026, 4, 12): ["23:30"],
        date(2026, 4, 13): [
            "00:00", "00:30", "01:00", "01:30", "02:00", "02:30",
            "04:30", "05:00", "05:30", "06:00", "06:30", "07:00", "07:30", "08:00",
        ],
    }  # fmt: skip


class TestBookingBuffers:
    def test_booking_blocks_slots_whose_blocked_ranges_meet_its_own(self):
        booked = replace(SEED_HOST, busy=(blocked_range(ist(13, 10), 30, 10, 15).seconds,))
        assert ist_starts(booked, query_for(13))[:5] == [
            "09:00",
            "11:00",
            "11:30",
            "12:00",
            "14:00",
        ]

    def test_booking_blocks_exactly_the_quarter_hours_in_reach(self):
        booked = replace(SEED_HOST, busy=(blocked_range(ist(13, 10), 30, 10, 15).seconds,))
        starts = ist_starts(booked, query_for(13, interval=15))
        assert starts[:3] == ["09:00", "11:00", "11:15"]

    def test_blocked_range_is_the_meeting_widened_by_both_buffers(self):
        blocked = blocked_range(ist(13, 10), 30, 10, 15)
        assert (blocked.start, blocked.end) == (ist(13, 9, 50), ist(13, 10, 45))

    def test_blocked_ranges_that_only_touch_do_not_collide(self):
        booked = replace(SEED_HOST, busy=(Interval(ist(13, 8), ist(13, 8, 50)).seconds,))
        assert ist_starts(booked, query_for(13))[0] == "09:00"

    def test_blocked_ranges_sharing_a_minute_collide(self):
        booked = replace(SEED_HOST, busy=(Interval(ist(13, 8), ist(13, 8, 51)).seconds,))
        assert ist_starts(booked, query_for(13))[0] == "09:30"


class TestNoticeAndHorizon:
    def test_slots_sooner_than_the_minimum_notice_are_hidden(self):
        query = query_for(13, now=ist(13, 9, 45), minimum_notice=120)
        assert ist_starts(SEED_HOST, query)[:2] == ["12:00", "14:00"]

    def test_a_slot_exactly_at_the_minimum_notice_is_offered(self):
        query = query_for(13, now=ist(13, 9), minimum_notice=120)
        assert ist_starts(SEED_HOST, query)[0] == "11:00"

    def test_slots_at_or_beyond_the_horizon_are_hidden(self):
        query = query_for(15, now=ist(13, 12), minimum_notice=0, horizon_days=2)
        assert ist_starts(SEED_HOST, query) == ["09:30", "10:00", "10:30", "11:00", "11:30"]


class TestDailyCap:
    def test_a_full_day_offers_nothing(self):
        capped = replace(SEED_HOST, caps=(Cap(DAY, 3, {date(2026, 4, 13): 3}),))
        assert ist_starts(capped, query_for(13)) == []

    def test_other_days_are_not_affected(self):
        capped = replace(SEED_HOST, caps=(Cap(DAY, 3, {date(2026, 4, 13): 3}),))
        assert ist_starts(capped, query_for(14)) == ist_starts(SEED_HOST, query_for(14))

    def test_a_day_below_the_cap_offers_everything(self):
        capped = replace(SEED_HOST, caps=(Cap(DAY, 4, {date(2026, 4, 13): 3}),))
        assert ist_starts(capped, query_for(13)) == ist_starts(SEED_HOST, query_for(13))


class TestBookability:
    def test_listed_start_can_be_booked(self):
        assert is_bookable(SEED_HOST, ist(13, 9, 30), query_for(13))

    def test_start_between_steps_is_refused(self):
        assert not is_bookable(SEED_HOST, ist(13, 9, 7), query_for(13))

    def test_start_whose_meeting_overruns_the_window_is_refused(self):
        assert not is_bookable(SEED_HOST, ist(13, 12, 15), query_for(13, interval=15))

    def test_start_on_the_travel_day_is_refused(self):
        assert not is_bookable(SEED_HOST, ist(22, 9, 30), query_for(22))

    def test_start_given_in_the_attendee_zone_is_the_same_instant(self):
        assert is_bookable(SEED_HOST, ist(13, 9).astimezone(NEW_YORK), query_for(13))

    def test_naive_start_is_refused_loudly(self):
        with pytest.raises(ValueError):
            is_bookable(SEED_HOST, datetime(2026, 4, 13, 9), query_for(13))
