"""The booking endpoints: what a client sends, what it gets back, and who may do what."""

import pytest

from tests import factories
from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, database_state, get, post
from wagtail_pmc_booking.models import Booking
from wagtail_pmc_booking.models.api_keys import Scope

pytestmark = pytest.mark.django_db

BOOKINGS = "/v1/bookings"


def url(booking_id, action=""):
    return f"{BOOKINGS}/{booking_id}" + (f"/{action}" if action else "")


# == Create ==


def test_creating_answers_201_with_the_booking_in_utc_and_the_attendee_zone(booked):
    assert booked["bookingId"].startswith("bk_")
    assert booked["status"] == "confirmed"
    assert booked["meetingType"] == "product-demo"
    assert booked["start"] == "2026-04-13T05:30:00Z"
    assert booked["end"] == "2026-04-13T06:00:00Z"
    assert booked["duration"] == 30
    assert booked["timezone"] == "Asia/Kolkata"
    assert booked["attendee"] == {
        "name": "Asha Rao",
        "email": "asha@example.com",
        "timezone": "Asia/Kolkata",
        "language": "en",
    }
    assert booked["answers"] == {} and booked["tracking"] == {}
    assert booked["host"] == {"name": "Asha Rao", "slug": "asha"}


def test_the_booking_object_has_exactly_the_contract_keys(booked):
    assert set(booked) == {
        "bookingId",
        "status",
        "meetingType",
        "start",
        "end",
        "duration",
        "timezone",
        "attendee",
        "host",
        "meeting",
        "answers",
        "tracking",
        "attendance",
        "rescheduleUrl",
        "cancelUrl",
        "manageToken",
    }


def test_the_answer_carries_the_manage_token_and_links_that_use_it(booked):
    token = booked["manageToken"]
    assert token in booked["rescheduleUrl"] and token in booked["cancelUrl"]
    assert booked["rescheduleUrl"].startswith("http://testserver/")


def test_the_meeting_never_shows_host_secrets(booked):
    meeting = booked["meeting"]
    assert set(meeting) == {"provider", "status", "meetingId", "meetingUrl", "passcode"}
    assert meeting["provider"] == "zoom"
    assert meeting["status"] in {"created", "pending", "skipped", "deleted"}


def test_a_taken_slot_is_409_slot_unavailable(client, booked):
    again = {**BOOKING_REQUEST, "attendee": {**BOOKING_REQUEST["attendee"], "name": "B"}}
    before = database_state()
    assert_error(post(client, BOOKINGS, again), 409, "slot_unavailable")
    assert database_state() == before


def test_a_time_outside_the_windows_is_409_slot_unavailable(client, product_demo):
    body = {**BOOKING_REQUEST, "start": "2026-04-13T13:00:00+05:30"}
    assert_error(post(client, BOOKINGS, body), 409, "slot_unavailable")


def test_the_host_may_be_chosen_by_slug(client, seed_host):
    other = factories.make_host(slug="second")
    factories.make_meeting_type(hosts=[seed_host, other], slug="product-demo")
    response = post(client, BOOKINGS, {**BOOKING_REQUEST, "host": "second"})
    assert response.status_code == 201
    assert response.json()["host"]["slug"] == "second"


def test_a_key_holder_books_in_the_name_of_the_key(client, product_demo, make_key):
    key = make_key([Scope.BOOKINGS_WRITE], name="CRM")
    response = post(client, BOOKINGS, BOOKING_REQUEST, key)
    assert response.status_code == 201
    event = Booking.objects.get().events.get(kind="created")
    assert event.actor.startswith("api:pmc_live_")


# == Read ==


def test_a_key_with_bookings_read_gets_the_booking(client, booked, reader_key):
    response = get(client, url(booked["bookingId"]), reader_key)
    assert response.status_code == 200
    assert response.json() == {k: v for k, v in booked.items() if k != "manageToken"}


def test_the_manage_token_opens_its_own_booking(client, booked):
    response = get(client, url(booked["bookingId"]), token=booked["manageToken"])
    assert response.status_code == 200
    assert "manageToken" not in response.json()


def test_without_key_or_token_a_booking_is_401(client, booked):
    assert_error(get(client, url(booked["bookingId"])), 401, "unauthorized")


def test_a_wrong_token_is_401(client, booked):
    response = get(client, url(booked["bookingId"]), token="0" * 40)
    assert_error(response, 401, "unauthorized")


def test_a_token_does_not_open_another_booking(client, booked):
    other = post(client, BOOKINGS, {**BOOKING_REQUEST, "start": "2026-04-13T14:00:00+05:30"})
    response = get(client, url(other.json()["bookingId"]), token=booked["manageToken"])
    assert_error(response, 404, "not_found")


def test_an_unknown_booking_is_404_for_a_key_holder(client, reader_key, product_demo):
    assert_error(get(client, url("bk_aaaaaaaaaaaaaaaa"), reader_key), 404, "not_found")


# == List ==


@pytest.fixture
def three_bookings(client, product_demo):
    starts = ["2026-04-14T10:00:00+05:30", "2026-04-13T09:00:00+05:30", "2026-04-13T14:00:00+05:30"]
    return [
        post(client, BOOKINGS, {**BOOKING_REQUEST, "start": start}).json()["bookingId"]
        for start in starts
    ]


def test_the_list_is_ordered_by_start(client, three_bookings, reader_key):
    results = get(client, BOOKINGS, reader_key).json()["results"]
    assert [r["start"] for r in results] == [
        "2026-04-13T03:30:00Z",
        "2026-04-13T08:30:00Z",
        "2026-04-14T04:30:00Z",
    ]


def test_following_next_walks_every_booking_once(client, three_bookings, reader_key):
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = get(client, BOOKINGS, reader_key, **params).json()
        seen += [r["bookingId"] for r in page["results"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(three_bookings)
    assert len(seen) == 3


def test_the_last_page_has_no_next(client, three_bookings, reader_key):
    assert get(client, BOOKINGS, reader_key, limit=3).json()["next"] is None


def test_a_malformed_cursor_is_refused_as_invalid(client, three_bookings, reader_key):
    error = assert_error(get(client, BOOKINGS, reader_key, cursor="bm9wZQ"), 422, "invalid_request")
    assert "cursor" in error["fields"]


def test_any_well_formed_cursor_is_a_position(client, three_bookings, reader_key):
    """The schema's cursor pattern is the whole rule: a shaped cursor never gets a 4xx."""
    page = get(client, BOOKINGS, reader_key, cursor="0_bk_aaaaaaaaaaaa").json()
    assert len(page["results"]) == 3


def test_the_list_filters_by_day(client, three_bookings, reader_key):
    page = get(client, BOOKINGS, reader_key, **{"from": "2026-04-13", "to": "2026-04-13"}).json()
    assert len(page["results"]) == 2


def test_the_list_filters_by_instant(client, three_bookings, reader_key):
    params = {"from": "2026-04-13T08:30:00Z", "to": "2026-04-14T04:30:00Z"}
    page = get(client, BOOKINGS, reader_key, **params).json()
    assert [r["start"] for r in page["results"]] == ["2026-04-13T08:30:00Z"]


def test_the_list_filters_by_status(client, three_bookings, full_key):
    post(client, url(three_bookings[0], "cancel"), {}, full_key)
    page = get(client, BOOKINGS, full_key, status="cancelled").json()
    assert [r["bookingId"] for r in page["results"]] == [three_bookings[0]]


def test_the_list_filters_by_host(client, three_bookings, reader_key):
    assert len(get(client, BOOKINGS, reader_key, host="asha").json()["results"]) == 3
    assert get(client, BOOKINGS, reader_key, host="someone-else").json()["results"] == []


# == Reschedule ==


def test_the_manage_token_reschedules(client, booked):
    body = {"start": "2026-04-14T10:00:00+05:30", "token": booked["manageToken"]}
    response = post(client, url(booked["bookingId"], "reschedule"), body)
    assert response.status_code == 200, response.content
    moved = response.json()
    assert moved["start"] == "2026-04-14T04:30:00Z"
    assert Booking.objects.get().sequence == 1


def test_a_key_with_bookings_write_reschedules(client, booked, full_key):
    body = {"start": "2026-04-14T10:00:00+05:30", "duration": 60}
    response = post(client, url(booked["bookingId"], "reschedule"), body, full_key)
    assert response.status_code == 200
    assert response.json()["duration"] == 60


def test_a_read_only_key_may_not_reschedule(client, booked, reader_key):
    body = {"start": "2026-04-14T10:00:00+05:30"}
    response = post(client, url(booked["bookingId"], "reschedule"), body, reader_key)
    assert_error(response, 403, "forbidden")


def test_rescheduling_into_a_taken_slot_is_409(client, booked, three_bookings):
    body = {"start": "2026-04-14T10:00:00+05:30", "token": booked["manageToken"]}
    before = database_state()
    response = post(client, url(booked["bookingId"], "reschedule"), body)
    assert_error(response, 409, "slot_unavailable")
    assert database_state() == before


def test_rescheduling_without_key_or_token_is_401(client, booked):
    body = {"start": "2026-04-14T10:00:00+05:30"}
    assert_error(post(client, url(booked["bookingId"], "reschedule"), body), 401, "unauthorized")


# == Cancel ==


def test_cancelling_with_the_token_answers_rebook_options(client, booked):
    response = post(client, url(booked["bookingId"], "cancel"), {"token": booked["manageToken"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bookingId"] == booked["bookingId"]
    assert body["status"] == "cancelled"
    assert 1 <= len(body["rebookOptions"]) <= 3
    assert set(body["rebookOptions"][0]) == {"start", "end", "rebookUrl"}
    # The one-click page of each offer, the same offers the cancellation email carries.
    assert body["rebookOptions"][0]["rebookUrl"].startswith(
        "http://testserver/booking/rebook/?offer="
    )


def test_rebook_options_are_in_the_attendee_zone(client, booked):
    body = post(client, url(booked["bookingId"], "cancel"), {"token": booked["manageToken"]}).json()
    assert body["rebookOptions"][0]["start"].endswith("+05:30")


def test_a_key_cancels_without_a_body(client, booked, full_key):
    response = post(client, url(booked["bookingId"], "cancel"), None, full_key)
    assert response.status_code == 200
    assert Booking.objects.get().status == "cancelled"


def test_cancelling_twice_with_a_key_is_409_booking_cancelled(client, booked, full_key):
    post(client, url(booked["bookingId"], "cancel"), {}, full_key)
    response = post(client, url(booked["bookingId"], "cancel"), {}, full_key)
    assert_error(response, 409, "booking_cancelled")


def test_cancelling_twice_with_the_token_is_409_booking_cancelled(client, booked):
    body = {"token": booked["manageToken"]}
    post(client, url(booked["bookingId"], "cancel"), body)
    assert_error(post(client, url(booked["bookingId"], "cancel"), body), 409, "booking_cancelled")


def test_a_made_up_token_does_not_reveal_that_a_booking_was_cancelled(client, booked):
    post(client, url(booked["bookingId"], "cancel"), {"token": booked["manageToken"]})
    body = {"token": "a" * len(booked["manageToken"])}
    assert_error(post(client, url(booked["bookingId"], "cancel"), body), 401, "unauthorized")


def test_the_token_from_before_a_reschedule_is_refused_not_reported(client, booked):
    new_start = {"start": "2026-04-14T10:00:00+05:30", "token": booked["manageToken"]}
    assert post(client, url(booked["bookingId"], "reschedule"), new_start).status_code == 200
    body = {"token": booked["manageToken"]}
    assert_error(post(client, url(booked["bookingId"], "cancel"), body), 401, "unauthorized")


def test_a_cancelled_booking_cannot_be_rescheduled(client, booked, full_key):
    post(client, url(booked["bookingId"], "cancel"), {}, full_key)
    body = {"start": "2026-04-14T10:00:00+05:30"}
    response = post(client, url(booked["bookingId"], "reschedule"), body, full_key)
    assert_error(response, 409, "booking_cancelled")


def test_the_cancel_reason_is_kept(client, booked, full_key):
    post(client, url(booked["bookingId"], "cancel"), {"reason": "Clash"}, full_key)
    assert Booking.objects.get().cancel_reason == "Clash"


def test_a_bad_email_is_explained_in_words_the_widget_can_show(client):
    body = {**BOOKING_REQUEST, "attendee": {**BOOKING_REQUEST["attendee"], "email": "dana@"}}
    response = post(client, "/v1/bookings", body)
    assert_error(response, 422, "invalid_request")
    assert response.json()["error"]["fields"]["attendee.email"] == ["Enter a valid email address."]
    assert not Booking.objects.exists()
