"""Busy times from real-world-shaped iCalendar exports (Google, Outlook, Apple)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_pmc_booking.calendars.parse import CalendarUnreadable, busy_intervals
from wagtail_pmc_booking.scheduling import Interval, normalize

FEEDS = Path(__file__).parent / "feeds"
KOLKATA = ZoneInfo("Asia/Kolkata")
BERLIN = ZoneInfo("Europe/Berlin")
APRIL = {"start": datetime(2026, 4, 6, tzinfo=UTC), "end": datetime(2026, 4, 27, tzinfo=UTC)}


def utc(day, hour, minute=0):
    return datetime(2026, 4, day, hour, minute, tzinfo=UTC)


def feed(name):
    return (FEEDS / name).read_bytes()


def test_a_google_export_expands_the_weekly_meeting_with_its_exception_and_moved_day():
    parsed = busy_intervals(feed("google.ics"), host_tz=KOLKATA, **APRIL)

    assert parsed.busy == [
        Interval(utc(6, 8), utc(6, 9)),  # the weekly standup; the 13th is an EXDATE
        Interval(utc(16, 18, 30), utc(17, 18, 30)),  # all-day offsite: the host's local day
        Interval(utc(20, 12), utc(20, 13)),  # the 20th's standup, moved (RECURRENCE-ID)
    ]
    # Read but not busy: the transparent birthday and the cancelled sync.
    assert parsed.events_read == 5


def test_an_outlook_export_with_a_windows_zone_name_lands_on_the_right_instant():
    parsed = busy_intervals(feed("outlook.ics"), host_tz=KOLKATA, **APRIL)

    assert parsed.busy == [Interval(utc(14, 12), utc(14, 13, 30))]  # 14:00 CEST


def test_an_apple_export_reads_its_zone_floating_times_in_the_hosts_and_skips_our_bookings():
    parsed = busy_intervals(
        feed("apple.ics"),
        host_tz=BERLIN,
        is_own_event=lambda uid: uid.startswith("bk_"),
        **APRIL,
    )

    assert parsed.busy == [
        Interval(utc(14, 13), utc(14, 14)),  # 09:00 in New York (EDT)
        Interval(utc(15, 10), utc(15, 11)),  # floating 12:00, on the Berlin host's clock
    ]
    assert parsed.events_read == 3


def test_busy_times_are_clipped_to_the_range_asked_for():
    parsed = busy_intervals(
        feed("google.ics"), host_tz=KOLKATA, start=utc(6, 8, 30), end=utc(17, 0)
    )

    assert parsed.busy == [
        Interval(utc(6, 8, 30), utc(6, 9)),
        Interval(utc(16, 18, 30), utc(17, 0)),
    ]


def calendar(*events):
    body = "".join(
        "BEGIN:VEVENT\r\nDTSTAMP:20260401T000000Z\r\n" + event + "END:VEVENT\r\n"
        for event in events
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n"


def test_a_timed_event_without_an_end_takes_no_time_and_a_duration_is_honoured():
    text = calendar(
        "UID:a\r\nDTSTART:20260414T090000Z\r\n",
        "UID:b\r\nDTSTART:20260414T120000Z\r\nDURATION:PT45M\r\n",
    )

    parsed = busy_intervals(text, host_tz=BERLIN, **APRIL)

    assert parsed.busy == [Interval(utc(14, 12), utc(14, 12, 45))]


def test_a_floating_time_in_the_spring_gap_starts_where_the_gap_ends():
    # 02:30 does not exist in Berlin on 29 March 2026: the clocks jump from 02:00 to 03:00.
    text = calendar("UID:a\r\nDTSTART:20260329T023000\r\nDTEND:20260329T040000\r\n")

    parsed = busy_intervals(
        text,
        host_tz=BERLIN,
        start=datetime(2026, 3, 28, tzinfo=UTC),
        end=datetime(2026, 3, 30, tzinfo=UTC),
    )

    assert parsed.busy == [
        Interval(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC))
    ]


def test_overlapping_events_merge_and_nothing_private_is_kept():
    text = calendar(
        "UID:a\r\nSUMMARY:Secret project\r\nDTSTART:20260414T090000Z\r\nDTEND:20260414T100000Z\r\n",
        "UID:b\r\nSUMMARY:Other\r\nDTSTART:20260414T093000Z\r\nDTEND:20260414T110000Z\r\n",
    )

    parsed = busy_intervals(text, host_tz=BERLIN, **APRIL)

    assert parsed.busy == [Interval(utc(14, 9), utc(14, 11))]
    assert "Secret" not in repr(parsed)


@pytest.mark.parametrize("text", [b"", b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT"])
def test_text_that_is_no_calendar_is_refused_with_a_reason(text):
    with pytest.raises(CalendarUnreadable, match="not a readable iCalendar"):
        busy_intervals(text, host_tz=BERLIN, **APRIL)


@given(
    st.lists(
        st.tuples(st.integers(0, 20 * 24 * 4), st.integers(1, 12 * 4), st.booleans()),
        max_size=25,
    )
)
def test_busy_is_the_union_of_the_opaque_events_within_the_range(events):
    """For any set of timed events, busy = the merged opaque ones, clipped to the range."""
    base = utc(6, 0)
    lines, expected = [], []
    for n, (offset, length, opaque) in enumerate(events):
        begin = base + timedelta(minutes=15 * offset)
        finish = begin + timedelta(minutes=15 * length)
        transp = "OPAQUE" if opaque else "TRANSPARENT"
        lines.append(
            f"UID:e{n}\r\nTRANSP:{transp}\r\n"
            f"DTSTART:{begin:%Y%m%dT%H%M%SZ}\r\nDTEND:{finish:%Y%m%dT%H%M%SZ}\r\n"
        )
        if opaque:
            expected.append(Interval(max(begin, APRIL["start"]), min(finish, APRIL["end"])))

    parsed = busy_intervals(calendar(*lines), host_tz=BERLIN, **APRIL)

    assert parsed.busy == normalize(expected)
    assert parsed.events_read == len(events)
