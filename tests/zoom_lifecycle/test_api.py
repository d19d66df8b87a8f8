"""``POST /v1/integrations/zoom/meetings`` exactly as API.md promises it."""

import json

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests import factories
from tests.zoom_lifecycle.conftest import at, fake_meetings_for, make_meeting_type, meeting_of
from wagtail_pmc_booking.models import ApiKey, OutOfOffice, ZoomMeeting
from wagtail_pmc_booking.zoom.sandbox import reset_sandbox

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")

URL = "/v1/integrations/zoom/meetings"
PATCH = ("PATCH", "/meetings/{meetingId}")


@pytest.fixture
def zoom_key(db):
    return ApiKey.issue(name="Zoom", scopes=["zoom:write"])[1]


@pytest.fixture
def sandbox_key(db):
    reset_sandbox()
    yield ApiKey.issue(name="Sandbox", scopes=["zoom:write"], mode="test")[1]
    reset_sandbox()


def ask(client, key, booking_id, **fields):
    body = json.dumps({"bookingId": booking_id, **fields})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, body, content_type="application/json", **headers)


def unsynced_booking(meeting_type, start, **fields):
    """A booking no signal has told the Zoom lifecycle about yet."""
    host = meeting_type.hosts.first()
    return factories.make_booking_row(meeting_type, host, start, buffers=(0, 0), **fields)


def test_the_meeting_of_a_booking_is_returned_and_asking_again_returns_the_same(
    client, fake_zoom, book, zoom_key
):
    booking = book(at(10))
    record = meeting_of(booking)
    calls = len(fake_zoom.calls)

    first = ask(client, zoom_key, booking.public_id)
    second = ask(client, zoom_key, booking.public_id)

    assert first.status_code == 200, first.content
    assert first.json() == {
        "status": "ok",
        "bookingId": booking.public_id,
        "meetingId": str(record.zoom_meeting_id),
        "meetingUrl": record.join_url,
        "passcode": record.passcode,
    }
    assert second.json() == first.json()
    assert len(fake_zoom.calls) == calls


def test_a_booking_without_a_meeting_gets_one_made_on_the_spot(
    client, fake_zoom, meeting_type, zoom_key
):
    booking = unsynced_booking(meeting_type, at(10))

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 200
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert response.json()["meetingId"] == str(made["id"])
    assert response.json()["meetingUrl"] == made["join_url"]


def test_a_new_topic_or_length_updates_the_meeting_once(client, fake_zoom, book, zoom_key):
    booking = book(at(10))

    response = ask(client, zoom_key, booking.public_id, topic="Roadmap review", duration=45)
    again = ask(client, zoom_key, booking.public_id, topic="Roadmap review", duration=45)

    assert response.status_code == again.status_code == 200
    assert len(fake_zoom.calls_to(*PATCH)) == 1
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert (made["topic"], made["duration"]) == ("Roadmap review", 45)
    record = meeting_of(booking)
    assert (record.topic_override, record.duration_override) == ("Roadmap review", 45)


def test_a_topic_given_before_any_meeting_exists_is_used_to_create_it(
    client, fake_zoom, meeting_type, zoom_key
):
    booking = unsynced_booking(meeting_type, at(10))

    response = ask(client, zoom_key, booking.public_id, topic="Kick-off")

    assert response.status_code == 200
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["topic"] == "Kick-off"


def test_a_new_topic_lasts_until_the_booking_changes(client, fake_zoom, book, reschedule, zoom_key):
    booking = book(at(10))
    ask(client, zoom_key, booking.public_id, topic="Roadmap review")

    reschedule(booking, at(12))

    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["topic"] == "Product Demo with Dana Scully"


def test_zoom_down_answers_queued_and_queues_the_retry(client, fake_zoom, meeting_type, zoom_key):
    booking = unsynced_booking(meeting_type, at(10))
    fake_zoom.set_fault("500")

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 202
    assert response.json() == {"status": "queued", "bookingId": booking.public_id, "resync": True}
    assert [t.args for t in HUEY.scheduled()] == [(booking.pk,)]
    assert meeting_of(booking).state == "pending"


def test_a_host_out_of_office_is_skipped_without_calling_zoom(
    client, fake_zoom, host, meeting_type, zoom_key
):
    booking = unsynced_booking(meeting_type, at(10))
    OutOfOffice.objects.create(host=host, start_date=at(10).date(), end_date=at(10).date())

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 409
    assert response.json() == {
        "status": "skipped",
        "bookingId": booking.public_id,
        "reason": "host_out_of_office",
    }
    assert fake_zoom.calls == []


def test_an_unknown_booking_is_not_found(client, zoom_key):
    for booking_id in ("bk_aaaaaaaaaaaaaaaa", "nonsense"):
        response = ask(client, zoom_key, booking_id)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_cancelled_booking_is_refused(client, fake_zoom, book, cancel, zoom_key):
    booking = cancel(book(at(10)))

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 409
    assert response.json()["status"] == "error"
    assert response.json()["error"]["code"] == "booking_cancelled"


def test_a_key_is_needed_and_it_needs_the_zoom_scope(client, db):
    reader = ApiKey.issue(name="Reader", scopes=["bookings:read"])[1]

    assert ask(client, None, "bk_aaaaaaaaaaaaaaaa").status_code == 401
    assert ask(client, reader, "bk_aaaaaaaaaaaaaaaa").status_code == 403


@pytest.mark.parametrize(
    "fields", [{"duration": 0}, {"duration": "30"}, {"topic": ""}, {"topic": "x" * 201}]
)
def test_bad_fields_are_refused_in_the_envelope(client, zoom_key, fields):
    response = ask(client, zoom_key, "bk_aaaaaaaaaaaaaaaa", **fields)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_a_test_key_makes_a_sandbox_bookings_meeting_in_the_sandbox(
    client, fake_zoom, meeting_type, sandbox_key
):
    booking = unsynced_booking(meeting_type, at(10), is_sandbox=True)

    response = ask(client, sandbox_key, booking.public_id)

    assert response.status_code == 200
    assert "pmc_sandbox=1" in response.json()["meetingUrl"]
    assert fake_zoom.calls == [] and fake_zoom.token_requests == 0
    assert meeting_of(booking).is_sandbox


def test_a_live_key_makes_a_live_bookings_meeting_on_zoom(
    client, fake_zoom, meeting_type, zoom_key
):
    booking = unsynced_booking(meeting_type, at(10))

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 200
    assert "pmc_sandbox" not in response.json()["meetingUrl"]
    assert len(fake_zoom.calls_to("POST", "/users/{userId}/meetings")) == 1
    assert not meeting_of(booking).is_sandbox


@pytest.mark.parametrize(("key", "sandbox"), [("sandbox_key", False), ("zoom_key", True)])
def test_a_key_of_the_other_kind_finds_no_booking_and_changes_nothing(
    client, fake_zoom, meeting_type, request, key, sandbox
):
    booking = unsynced_booking(meeting_type, at(10), is_sandbox=sandbox)

    response = ask(client, request.getfixturevalue(key), booking.public_id, duration=45)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not ZoomMeeting.objects.filter(booking=booking).exists()
    assert fake_zoom.calls == []


def test_asking_after_a_failed_attempt_makes_the_meeting_now_once_zoom_is_back(
    client, fake_zoom, book, zoom_key
):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    assert meeting_of(booking).next_attempt_at > timezone.now()
    fake_zoom.clear_faults()

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 200, response.content
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert response.json()["meetingId"] == str(made["id"])
    assert meeting_of(booking).state == "synced"


def test_asking_after_a_failed_attempt_while_zoom_is_still_down_tries_and_is_queued(
    client, fake_zoom, book, zoom_key
):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    attempts = meeting_of(booking).attempts

    response = ask(client, zoom_key, booking.public_id)

    assert response.status_code == 202
    assert response.json() == {"status": "queued", "bookingId": booking.public_id, "resync": True}
    assert meeting_of(booking).attempts == attempts + 1


@pytest.fixture
def long_default_topic(db):
    """A meeting type name that makes the default topic longer than Zoom's 200 characters."""
    return "Quarterly product roadmap deep dive " * 7


def test_a_length_for_a_booking_whose_default_topic_is_too_long_for_zoom(
    client, fake_zoom, host, zoom_key, long_default_topic
):
    meeting_type = make_meeting_type(hosts=[host], name=long_default_topic, slug="long")
    booking = unsynced_booking(meeting_type, at(10))

    response = ask(client, zoom_key, booking.public_id, duration=45)

    assert response.status_code == 200, response.content
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["duration"] == 45
    assert made["topic"] == f"{long_default_topic} with Dana Scully"[:200]
    record = meeting_of(booking)
    assert (record.topic_override, record.duration_override) == ("", 45)


def test_a_topic_of_200_characters_is_taken_whole(client, fake_zoom, book, zoom_key):
    booking = book(at(10))

    response = ask(client, zoom_key, booking.public_id, topic="t" * 200)

    assert response.status_code == 200
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["topic"] == "t" * 200


def test_a_topic_over_200_characters_changes_nothing(client, fake_zoom, book, zoom_key):
    booking = book(at(10))
    calls = len(fake_zoom.calls)

    response = ask(client, zoom_key, booking.public_id, topic="t" * 201, duration=45)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["topic"]
    assert len(fake_zoom.calls) == calls
    assert meeting_of(booking).duration_override is None


def test_the_openapi_document_describes_both_zoom_endpoints(client, db):
    schema = client.get("/v1/openapi.json").json()

    meetings_op = schema["paths"]["/v1/integrations/zoom/meetings"]["post"]
    assert set(meetings_op["responses"]) >= {"200", "202", "404", "409"}
    assert "/v1/integrations/zoom/webhook" in schema["paths"]
