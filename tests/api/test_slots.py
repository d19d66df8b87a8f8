"""GET /v1/slots: the seed host's availability, in whatever zone the attendee lives in."""

from datetime import datetime, time

import pytest

from tests import factories
from tests.api.helpers import assert_error, get

pytestmark = pytest.mark.django_db

SLOTS = "/v1/slots"
MONDAY = "2026-04-13"


def slots(client, **params):
    params = {"meetingType": "product-demo", "start": MONDAY, "end": MONDAY, **params}
    return get(client, SLOTS, **params)


def test_slots_are_keyed_by_the_attendee_local_date_with_their_offset(client, product_demo):
    body = slots(client, timezone="America/New_York", start="2026-04-12").json()
    assert body["meetingType"] == "product-demo"
    assert body["timezone"] == "America/New_York"
    # 09:00 IST on Monday is 23:30 EDT on Sunday.
    assert body["slots"]["2026-04-12"][0] == {
        "start": "2026-04-12T23:30:00-04:00",
        "end": "2026-04-13T00:00:00-04:00",
    }


def test_the_timezone_defaults_to_the_first_host_zone(client, product_demo):
    body = slots(client).json()
    assert body["timezone"] == "Asia/Kolkata"
    assert body["slots"][MONDAY][0]["start"] == "2026-04-13T09:00:00+05:30"


def test_the_duration_defaults_to_the_meeting_type_default(client, product_demo):
    body = slots(client).json()
    assert body["duration"] == 30
    assert len(body["slots"][MONDAY]) == 7 + 8


def test_a_longer_duration_gives_fewer_slots(client, product_demo):
    body = slots(client, duration=60).json()
    assert body["duration"] == 60
    assert body["slots"][MONDAY][0] == {
        "start": "2026-04-13T09:00:00+05:30",
        "end": "2026-04-13T10:00:00+05:30",
    }


def test_slots_within_a_day_are_sorted(client, product_demo):
    starts = [slot["start"] for slot in slots(client).json()["slots"][MONDAY]]
    assert starts == sorted(starts)


def test_days_without_slots_are_left_out(client, product_demo):
    """The seed host has no weekend hours and is out on Saturday the 18th anyway."""
    body = slots(client, start="2026-04-17", end="2026-04-20").json()
    assert list(body["slots"]) == ["2026-04-17", "2026-04-20"]


def test_62_days_is_the_longest_range(client, product_demo):
    assert slots(client, start="2026-04-06", end="2026-06-06").status_code == 200
    error = assert_error(
        slots(client, start="2026-04-06", end="2026-06-07"), 400, "invalid_request"
    )
    assert "end" in error["fields"]


def test_a_range_that_ends_before_it_starts_is_refused(client, product_demo):
    error = assert_error(slots(client, end="2026-04-12"), 400, "invalid_request")
    assert "end" in error["fields"]


def test_the_host_filter_keeps_one_host_of_the_pool(client, seed_host):
    other = factories.make_host(slug="night-owl", windows={0: [(time(20, 0), time(21, 0))]})
    factories.make_meeting_type(hosts=[seed_host, other], slug="product-demo")
    body = slots(client, host="night-owl", timezone="Asia/Kolkata").json()
    assert [s["start"] for s in body["slots"][MONDAY]] == [
        "2026-04-13T20:00:00+05:30",
        "2026-04-13T20:30:00+05:30",
    ]


def test_a_host_outside_the_pool_is_a_bad_request(client, product_demo):
    error = assert_error(slots(client, host="nobody"), 400, "invalid_request")
    assert "host" in error["fields"]


def test_an_unknown_meeting_type_is_404(client, product_demo):
    assert_error(slots(client, meetingType="nope"), 404, "not_found")


def test_an_inactive_meeting_type_is_as_unknown_as_a_missing_one(client, product_demo):
    product_demo.is_active = False
    product_demo.save()
    assert_error(slots(client), 404, "not_found")


def test_a_length_the_site_does_not_offer_is_refused_by_the_schema(client, product_demo):
    error = assert_error(slots(client, duration=25), 422, "invalid_request")
    assert "duration" in error["fields"]


def test_a_length_the_meeting_type_does_not_offer_is_refused(client, product_demo):
    product_demo.durations = [30]
    product_demo.save()
    error = assert_error(slots(client, duration=45), 400, "invalid_request")
    assert "duration" in error["fields"]


def test_no_key_is_needed(client, product_demo):
    assert slots(client).status_code == 200


def monday_starts(response):
    return [slot["start"][11:16] for slot in response.json()["slots"].get(MONDAY, [])]


def test_a_booking_hides_its_neighbours_from_everyone_else(client, booked):
    # The example booking is 11:00 IST with buffers 10/15: 10:30 and 11:30 collide with it.
    starts = monday_starts(slots(client))
    assert "10:30" not in starts and "11:00" not in starts and "11:30" not in starts


def test_rescheduling_with_the_manage_token_frees_the_bookings_own_time(client, booked):
    response = slots(client, rescheduling=booked["bookingId"], token=booked["manageToken"])
    starts = monday_starts(response)
    assert {"10:30", "11:00", "11:30"} <= set(starts)


def test_rescheduling_needs_the_bookings_token_or_a_key(client, booked):
    response = slots(client, rescheduling=booked["bookingId"])
    assert_error(response, 401, "unauthorized")
    response = slots(client, rescheduling=booked["bookingId"], token="a" * 40)
    assert_error(response, 401, "unauthorized")


def test_rescheduling_a_booking_of_another_meeting_type_is_refused(client, booked, seed_host):
    factories.make_meeting_type(hosts=[seed_host], slug="other")
    params = {"rescheduling": booked["bookingId"], "token": booked["manageToken"]}
    response = slots(client, meetingType="other", **params)
    assert_error(response, 400, "invalid_request")
    assert "rescheduling" in response.json()["error"]["fields"]


def test_a_repeated_listing_is_the_cached_answer_until_something_changes(
    client, product_demo, settings, monkeypatch
):
    """Within the minute the same question is answered from the cache without listing
    again; a booking replaces the cache's version, so the next answer lacks its slot."""
    from wagtail_pmc_booking import availability
    from wagtail_pmc_booking import booking as booking_service

    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "SLOTS_CACHE_SECONDS": 60}
    first = slots(client, timezone="UTC")
    listed = first.json()["slots"][MONDAY]
    real = availability.list_slots
    calls = []
    monkeypatch.setattr(
        availability, "list_slots", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    again = slots(client, timezone="UTC")
    assert again.content == first.content
    assert calls == []

    taken = listed[0]["start"]
    booking_service.book(
        product_demo,
        start=datetime.fromisoformat(taken.replace("Z", "+00:00")),
        attendee_name="Ada",
        attendee_email="ada@example.com",
        attendee_timezone="UTC",
    )
    after = slots(client, timezone="UTC").json()["slots"][MONDAY]
    assert calls == [1]
    assert taken not in [slot["start"] for slot in after]
