"""No input makes a 500: every bad request is a 4xx in the envelope and changes nothing."""

import json

import pytest
from django.core.exceptions import ValidationError

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, database_state, headers
from wagtail_pmc_booking import demo_data
from wagtail_pmc_booking.validators import validate_timezone

pytestmark = pytest.mark.django_db

GOOD_SLOTS = {"meetingType": "product-demo", "start": "2026-04-13", "end": "2026-04-14"}
ATTENDEE = BOOKING_REQUEST["attendee"]


def booking_with(**changes):
    return json.dumps({**BOOKING_REQUEST, **changes})


def attendee_with(**changes):
    return booking_with(attendee={**ATTENDEE, **changes})


SLOTS_CASES = {
    "missing meeting type": {"start": "2026-04-13", "end": "2026-04-13"},
    "missing dates": {"meetingType": "product-demo"},
    "impossible date": {**GOOD_SLOTS, "start": "2026-02-30"},
    "not an ISO date": {**GOOD_SLOTS, "start": "13/04/2026"},
    "a datetime for a date": {**GOOD_SLOTS, "start": "2026-04-13T00:00:00Z"},
    "year 9999": {**GOOD_SLOTS, "start": "9999-12-30", "end": "9999-12-31"},
    "end before start": {**GOOD_SLOTS, "end": "2026-04-01"},
    "more than 62 days": {**GOOD_SLOTS, "end": "2026-07-01"},
    "unknown timezone": {**GOOD_SLOTS, "timezone": "Mars/Olympus_Mons"},
    "timezone localtime": {**GOOD_SLOTS, "timezone": "localtime"},
    "timezone Factory": {**GOOD_SLOTS, "timezone": "Factory"},
    "timezone Etc/GMT+5": {**GOOD_SLOTS, "timezone": "Etc/GMT+5"},
    "date before 1970": {**GOOD_SLOTS, "start": "1969-12-31", "end": "1970-01-01"},
    "date in year 3000": {**GOOD_SLOTS, "start": "3000-01-01", "end": "3000-01-01"},
    "duration as a fraction": {**GOOD_SLOTS, "duration": "30.5"},
    "duration not a number": {**GOOD_SLOTS, "duration": "abc"},
    "negative duration": {**GOOD_SLOTS, "duration": "-30"},
    "huge duration": {**GOOD_SLOTS, "duration": "99999999999999999999"},
    "duration not offered": {**GOOD_SLOTS, "duration": "25"},
    "unknown meeting type": {**GOOD_SLOTS, "meetingType": "nope"},
    "NUL in meeting type": {**GOOD_SLOTS, "meetingType": "product\x00demo"},
    "unknown host slug": {**GOOD_SLOTS, "host": "nobody"},
}

CREATE_CASES = {
    "malformed JSON": '{"meetingType": ',
    "JSON array": "[]",
    "JSON string": '"book me"',
    "JSON null": "null",
    "empty object": "{}",
    "not UTF-8": b"\xff\xfe{}",
    "missing attendee": json.dumps({k: v for k, v in BOOKING_REQUEST.items() if k != "attendee"}),
    "attendee is a string": booking_with(attendee="Asha Rao"),
    "duration as a string": booking_with(duration="30"),
    "duration as a float": booking_with(duration=30.5),
    "duration as a boolean": booking_with(duration=True),
    "duration not offered": booking_with(duration=25),
    "start as a number": booking_with(start=1776058200),
    "start without offset": booking_with(start="2026-04-13T11:00:00"),
    "impossible start date": booking_with(start="2026-02-30T11:00:00+05:30"),
    "start in year 9999": booking_with(start="9999-12-31T23:30:00-12:00"),
    "start is null": booking_with(start=None),
    "unknown attendee timezone": attendee_with(timezone="Asia/Atlantis"),
    "attendee timezone localtime": attendee_with(timezone="localtime"),
    "attendee timezone Factory": attendee_with(timezone="Factory"),
    "attendee timezone EST5EDT": attendee_with(timezone="EST5EDT"),
    "attendee timezone US/Eastern": attendee_with(timezone="US/Eastern"),
    "NUL inside the start instant": booking_with(start="2026-04-13T11:00:00\x00+05:30"),
    "NUL after the start instant": booking_with(start="2026-04-13T11:00:00+05:30\x00"),
    "start before 1970": booking_with(start="1969-12-31T23:00:00Z"),
    "start with a leap second": booking_with(start="2026-04-13T05:29:60Z"),
    "start with a space for T": booking_with(start="2026-04-13 11:00:00+05:30"),
    "start without seconds": booking_with(start="2026-04-13T11:00+05:30"),
    "email with a numeric top-level domain": attendee_with(email="asha@example.00"),
    "email with a one-letter top-level domain": attendee_with(email="asha@example.c"),
    "email without a dot in the domain": attendee_with(email="asha@localhost"),
    "blank name": attendee_with(name="   "),
    "newline in name": attendee_with(name="Asha\nRao"),
    "control character in notes": booking_with(notes="hi\x07"),
    "line separator in notes": booking_with(notes="a\u2028b"),
    "duration a site does not offer": booking_with(duration=20),
    "invalid email": attendee_with(email="not-an-email"),
    "empty name": attendee_with(name=""),
    "name as a number": attendee_with(name=42),
    "NUL in name": attendee_with(name="Asha\x00Rao"),
    "lone surrogate in notes": booking_with(notes="\ud800"),
    "notes too long": booking_with(notes="x" * 5001),
    "unknown meeting type": booking_with(meetingType="nope"),
    "inactive-looking slug with spaces": booking_with(meetingType="product demo"),
    "unknown host slug": booking_with(host="nobody"),
    "oversize body": booking_with(notes="x" * 70_000),
}

RESCHEDULE_CASES = {
    "malformed JSON": "{",
    "JSON array": "[]",
    "missing start": json.dumps({"duration": 30}),
    "impossible start": json.dumps({"start": "2026-04-31T10:00:00Z"}),
    "token as a number": json.dumps({"start": "2026-04-14T04:30:00Z", "token": 12345}),
    "token with odd characters": json.dumps({"start": "2026-04-14T04:30:00Z", "token": "a/b"}),
    "wrong token": json.dumps({"start": "2026-04-14T04:30:00Z", "token": "f" * 40}),
    "duration not offered": json.dumps({"start": "2026-04-14T04:30:00Z", "duration": 25}),
    "NUL inside the start instant": json.dumps({"start": "2026-04-14T04:30:00\x00Z"}),
}

CANCEL_CASES = {
    "malformed JSON": "{",
    "JSON array": "[1]",
    "reason as an object": json.dumps({"reason": {"text": "x"}}),
    "reason too long": json.dumps({"reason": "x" * 2001}),
    "wrong token": json.dumps({"token": "f" * 40}),
}

LIST_CASES = {
    "unknown status": {"status": "archived"},
    "limit zero": {"limit": "0"},
    "limit too large": {"limit": "1000"},
    "limit not a number": {"limit": "ten"},
    "impossible from date": {"from": "2026-02-30"},
    "from without offset": {"from": "2026-04-13T10:00:00"},
    "garbage cursor": {"cursor": "!!!"},
    "cursor of valid base64 but no page": {"cursor": "bm9wZQ"},
    "NUL in host": {"host": "a\x00b"},
    "from before 1970": {"from": "1969-12-31"},
    "to in year 3000": {"to": "3000-01-01T00:00:00Z"},
    "cursor with an upper-case id": {"cursor": "12_bk_UPPERCASE0000"},
}


def assert_refused(response, before):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    body = response.json()
    assert body["status"] == "error"
    assert set(body["error"]) <= {"code", "message", "fields"}
    assert database_state() == before


@pytest.mark.parametrize("params", SLOTS_CASES.values(), ids=SLOTS_CASES.keys())
def test_bad_slot_queries_are_refused(client, product_demo, params):
    before = database_state()
    assert_refused(client.get("/v1/slots", params), before)


@pytest.mark.parametrize("body", CREATE_CASES.values(), ids=CREATE_CASES.keys())
def test_bad_bookings_are_refused(client, product_demo, body):
    before = database_state()
    response = client.post("/v1/bookings", body, content_type="application/json")
    assert_refused(response, before)


@pytest.mark.parametrize("body", RESCHEDULE_CASES.values(), ids=RESCHEDULE_CASES.keys())
def test_bad_reschedules_are_refused(client, booked, body):
    before = database_state()
    path = f"/v1/bookings/{booked['bookingId']}/reschedule"
    assert_refused(client.post(path, body, content_type="application/json"), before)


@pytest.mark.parametrize("body", CANCEL_CASES.values(), ids=CANCEL_CASES.keys())
def test_bad_cancels_are_refused(client, booked, body):
    before = database_state()
    path = f"/v1/bookings/{booked['bookingId']}/cancel"
    assert_refused(client.post(path, body, content_type="application/json"), before)


@pytest.mark.parametrize("params", LIST_CASES.values(), ids=LIST_CASES.keys())
def test_bad_list_queries_are_refused(client, booked, full_key, params):
    before = database_state()
    assert_refused(client.get("/v1/bookings", params, **headers(full_key)), before)


@pytest.mark.parametrize(
    "booking_id", ["bk_doesnotexist00", "nothing", "bk_" + "a" * 200, "bk_%00", "1"]
)
def test_unknown_booking_ids_are_404(client, full_key, booking_id):
    assert_error(client.get(f"/v1/bookings/{booking_id}", **headers(full_key)), 404, "not_found")


def test_a_cancel_for_an_unknown_booking_with_a_key_is_404(client, full_key):
    response = client.post(
        "/v1/bookings/bk_aaaaaaaaaaaaaaaa/cancel",
        "{}",
        content_type="application/json",
        **headers(full_key),
    )
    assert_error(response, 404, "not_found")


def test_a_whole_number_written_as_a_float_is_a_whole_number(client, product_demo):
    """JSON Schema counts 30.0 as an integer, so the server does too."""
    response = client.post(
        "/v1/bookings", booking_with(duration=30.0), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["duration"] == 30


@pytest.mark.parametrize("name", ["UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires"])
def test_geographic_zones_and_utc_are_accepted(client, product_demo, name):
    response = client.get("/v1/slots", {**GOOD_SLOTS, "timezone": name})
    assert response.status_code == 200
    assert response.json()["timezone"] == name


def test_hosts_validate_timezones_by_the_same_rule():
    """The hosts admin and the API agree: only geographic zones and UTC."""
    validate_timezone(demo_data.SEED_TIMEZONE)
    for name in ["localtime", "Factory", "Etc/GMT+5", "EST5EDT"]:
        with pytest.raises(ValidationError):
            validate_timezone(name)
