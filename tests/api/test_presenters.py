"""The slot listing's writer against the plain path: ``json.dumps`` of each instant's
``isoformat`` in the zone."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from wagtail_pmc_booking.api.presenters import slots_answer
from wagtail_pmc_booking.scheduling import Slot

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "America/New_York",
        "America/St_Johns",  # -03:30 / -02:30
        "Asia/Kolkata",  # +05:30
        "Asia/Kathmandu",  # +05:45
        "Australia/Lord_Howe",  # +10:30 / +11:00: a half-hour DST step
        "Pacific/Chatham",  # +12:45 / +13:45
        "Europe/London",  # +00:00 in winter: written +00:00, not Z
        "Europe/Dublin",  # negative DST in the zone data
        "Pacific/Kiritimati",  # +14:00
        "America/Sao_Paulo",
    )
]

# Instants within a few hours of DST changes, where neighbouring slots differ in offset.
CHANGES = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),  # New York springs forward
    datetime(2026, 11, 1, 6, tzinfo=UTC),  # and falls back
    datetime(2026, 3, 29, 1, tzinfo=UTC),  # Europe
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),  # Lord Howe
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    datetime(2026, 4, 4, 14, 45, tzinfo=UTC),  # Chatham
]


def plain(moment: datetime, tz: ZoneInfo) -> str:
    text = moment.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


instants = st.one_of(
    st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.builds(
        lambda change, minutes, micro: change + timedelta(minutes=minutes, microseconds=micro),
        st.sampled_from(CHANGES),
        st.integers(-6 * 60, 6 * 60),
        st.sampled_from([0, 0, 0, 1, 500_000]),
    ),
)


@st.composite
def slot_days(draw: st.DrawFn) -> dict[date, list[Slot]]:
    """Days of slots as ``slots_by_local_date`` groups them; some ends are later starts,
    and some instants come in another zone than UTC."""
    days: dict[date, list[Slot]] = {}
    for start in draw(st.lists(instants, max_size=30)):
        length = timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 24 * 60])))
        moved = draw(st.sampled_from(ZONES))
        slot = Slot(start.astimezone(moved), start + length, (1,))
        days.setdefault(start.date(), []).append(slot)
    return days


def plain_answer(days: dict[date, list[Slot]], tz: ZoneInfo, slug: str = "demo") -> bytes:
    slots = {
        day.isoformat(): [{"start": plain(s.start, tz), "end": plain(s.end, tz)} for s in slots]
        for day, slots in days.items()
    }
    answer = {"meetingType": slug, "duration": 30, "timezone": tz.key, "slots": slots}
    return json.dumps(answer).encode()


@given(slot_days(), st.sampled_from(ZONES))
def test_slots_are_written_as_isoformat_in_the_zone_with_z_for_utc(days, tz):
    assert slots_answer("demo", 30, tz.key, days, tz) == plain_answer(days, tz)


@given(st.text())
def test_the_meeting_type_is_escaped_as_json_escapes_it(slug):
    tz = ZoneInfo("UTC")
    days = {date(2026, 4, 5): [Slot(CHANGES[0], CHANGES[0] + timedelta(hours=1), (1,))]}
    assert slots_answer(slug, 30, "UTC", days, tz) == plain_answer(days, tz, slug)


def test_every_offset_of_a_dst_change_is_its_own():
    tz = ZoneInfo("Australia/Lord_Howe")
    start = datetime(2026, 4, 4, 14, 30, tzinfo=UTC)
    steps = [start + timedelta(minutes=15 * i) for i in range(5)]
    days = {date(2026, 4, 5): [Slot(a, b, (1,)) for a, b in zip(steps, steps[1:])]}
    assert json.loads(slots_answer("demo", 15, tz.key, days, tz))["slots"]["2026-04-05"] == [
        {"start": "2026-04-05T01:30:00+11:00", "end": "2026-04-05T01:45:00+11:00"},
        {"start": "2026-04-05T01:45:00+11:00", "end": "2026-04-05T01:30:00+10:30"},
        {"start": "2026-04-05T01:30:00+10:30", "end": "2026-04-05T01:45:00+10:30"},
        {"start": "2026-04-05T01:45:00+10:30", "end": "2026-04-05T02:00:00+10:30"},
    ]
