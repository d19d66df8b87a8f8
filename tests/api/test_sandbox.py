"""Bookings made with a pmc_test_ key are sandbox bookings for life, seen only by test keys."""

import pytest

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, database_state, get, headers, post
from wagtail_pmc_booking.models import Booking

pytestmark = pytest.mark.django_db

OTHER_SLOT = {**BOOKING_REQUEST, "start": "2026-04-13T14:00:00+05:30"}
NEW_TIME = {"start": "2026-04-14T10:00:00+05:30"}


@pytest.fixture
def test_key(make_key):
    return make_key(mode="test")


@pytest.fixture
def sandbox_booking(client, product_demo, test_key):
    response = post(client, "/v1/bookings", OTHER_SLOT, key=test_key)
    assert response.status_code == 201, response.content
    return response.json()


def is_sandbox(booking_id):
    return Booking.objects.get(public_id=booking_id).is_sandbox


def test_a_booking_made_with_a_test_key_is_a_sandbox_booking(sandbox_booking):
    assert is_sandbox(sandbox_booking["bookingId"])


def test_public_and_live_key_bookings_are_live(client, booked, full_key):
    keyed = post(client, "/v1/bookings", OTHER_SLOT, key=full_key).json()
    assert not is_sandbox(booked["bookingId"])
    assert not is_sandbox(keyed["bookingId"])


def test_each_kind_of_key_lists_only_its_own_kind(
    client, booked, sandbox_booking, full_key, test_key
):
    live = get(client, "/v1/bookings", full_key).json()["results"]
    sandbox = get(client, "/v1/bookings", test_key).json()["results"]
    assert [b["bookingId"] for b in live] == [booked["bookingId"]]
    assert [b["bookingId"] for b in sandbox] == [sandbox_booking["bookingId"]]


def test_a_live_key_cannot_read_a_sandbox_booking(client, sandbox_booking, full_key):
    response = get(client, f"/v1/bookings/{sandbox_booking['bookingId']}", full_key)
    assert_error(response, 404, "not_found")


def test_a_test_key_cannot_read_a_live_booking(client, booked, test_key):
    response = get(client, f"/v1/bookings/{booked['bookingId']}", test_key)
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("action", ["reschedule", "cancel"])
def test_a_test_key_cannot_change_a_live_booking(client, booked, test_key, action):
    before = database_state()
    response = post(client, f"/v1/bookings/{booked['bookingId']}/{action}", NEW_TIME, key=test_key)
    assert_error(response, 404, "not_found")
    assert database_state() == before


@pytest.mark.parametrize("action", ["reschedule", "cancel"])
def test_a_live_key_cannot_change_a_sandbox_booking(client, sandbox_booking, full_key, action):
    before = database_state()
    path = f"/v1/bookings/{sandbox_booking['bookingId']}/{action}"
    assert_error(post(client, path, NEW_TIME, key=full_key), 404, "not_found")
    assert database_state() == before


def test_a_test_key_changes_its_own_sandbox_booking(client, sandbox_booking, test_key):
    path = f"/v1/bookings/{sandbox_booking['bookingId']}/cancel"
    assert post(client, path, {}, key=test_key).json()["status"] == "cancelled"


def test_the_manage_token_opens_a_sandbox_booking_without_a_key(client, sandbox_booking):
    booking_id = sandbox_booking["bookingId"]
    response = client.get(f"/v1/bookings/{booking_id}", {"token": sandbox_booking["manageToken"]})
    assert response.status_code == 200
    assert response.json()["bookingId"] == booking_id


def test_a_sandbox_booking_stays_sandbox_when_rescheduled_by_token(client, sandbox_booking):
    body = {**NEW_TIME, "token": sandbox_booking["manageToken"]}
    response = post(client, f"/v1/bookings/{sandbox_booking['bookingId']}/reschedule", body)
    assert response.status_code == 200, response.content
    assert is_sandbox(sandbox_booking["bookingId"])


def test_a_live_key_cannot_offer_the_times_around_a_sandbox_booking(
    client, sandbox_booking, full_key
):
    params = {
        "meetingType": "product-demo",
        "start": "2026-04-13",
        "end": "2026-04-13",
        "rescheduling": sandbox_booking["bookingId"],
    }
    assert_error(client.get("/v1/slots", params, **headers(full_key)), 404, "not_found")
