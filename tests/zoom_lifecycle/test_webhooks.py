"""Zoom's webhooks: signed ones are acted on, anything else is refused and changes nothing."""

import hashlib
import hmac
import json
import time

import pytest

from tests.zoom_lifecycle.conftest import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    at,
    fake_meetings_for,
    meeting_of,
    post_signed,
)
from wagtail_pmc_booking.models import BookingEvent
from wagtail_pmc_booking.zoom import webhooks
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.sweep import sweep

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")

URL, SECRET = WEBHOOK_URL, WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "ZOOM_WEBHOOK_SECRET": SECRET,
    }


def post_event(
    client, event, *, secret=SECRET, timestamp=None, age=0, signature=None, raw=None, **extra
):
    body = raw if raw is not None else json.dumps(event).encode()
    sent = str(int(time.time()) - age if timestamp is None else timestamp)
    headers = {"HTTP_X_ZM_REQUEST_TIMESTAMP": sent, **extra}
    if signature is None:
        signature = webhooks.sign(secret, sent, json.dumps(event).encode())
    if signature:
        headers["HTTP_X_ZM_SIGNATURE"] = signature
    return client.post(URL, body, content_type="application/json", **headers)


def deleted_event(meeting_id):
    return {
        "event": "meeting.deleted",
        "event_ts": int(time.time() * 1000),
        "payload": {
            "account_id": "fake-account",
            "operator": "someone@example.com",
            "object": {"id": meeting_id, "uuid": "abc==", "type": 2, "topic": "Demo"},
        },
    }


def updated_event(meeting_id, **changes):
    return {
        "event": "meeting.updated",
        "event_ts": int(time.time() * 1000),
        "payload": {
            "account_id": "fake-account",
            "operator": "someone@example.com",
            "object": {"id": meeting_id, **changes},
            "old_object": {"id": meeting_id},
        },
    }


def test_zoom_validating_the_endpoint_gets_the_hmac_of_its_token(client, db):
    event = {
        "event": "endpoint.url_validation",
        "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
    }

    response = post_event(client, event)

    assert response.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.json() == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": expected,
    }


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": ""},
        {"signature": "v0=" + "0" * 64},
        {"secret": "another-secret"},
        # Past the five minutes by more than the second lost when the sent time is
        # truncated to whole seconds while the check uses the fractional clock.
        {"age": 303},
        {"age": -303},
        {"timestamp": "yesterday"},
        {"raw": b'{"event": "meeting.deleted", "payload": {}}'},
    ],
    ids=["missing", "wrong", "other-secret", "stale", "future", "not-a-number", "other-body"],
)
def test_an_unsigned_or_stale_webhook_is_refused_and_changes_nothing(
    client, fake_zoom, book, tamper
):
    booking = book(at(10))
    before = meeting_of(booking)
    events = BookingEvent.objects.count()

    response = post_event(client, deleted_event(before.zoom_meeting_id), **tamper)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    after = meeting_of(booking)
    assert (after.state, after.zoom_meeting_id) == ("synced", before.zoom_meeting_id)
    assert BookingEvent.objects.count() == events


def test_without_a_webhook_secret_every_webhook_is_refused(client, settings, db):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ZOOM_WEBHOOK_SECRET": ""}
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}

    assert post_event(client, event, secret="").status_code == 401


def test_a_signed_body_that_is_not_an_event_is_a_bad_request(client, db):
    response = post_event(client, ["not", "an", "event"])

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


NESTING = 30_000  # 60 KB of brackets: under the 64 KiB body limit, past the recursion limit


@pytest.mark.parametrize(
    "body",
    [
        b'{"event": "meeting.deleted", "payload": {"object": {"id": 1e400}}}',
        b'{"event": "meeting.deleted", "payload": {"object": {"id": NaN}}}',
        b'{"event": "meeting.deleted", "payload": {"object": {"id": MEETING_ID}}, "x": %s%s}'
        % (b"[" * NESTING, b"]" * NESTING),
    ],
    ids=["overflowing-number", "not-a-number", "deeply-nested"],
)
def test_a_signed_body_python_cannot_hold_is_a_bad_request_with_no_effect(
    client, fake_zoom, book, body
):
    booking = book(at(10))
    before = meeting_of(booking)
    body = body.replace(b"MEETING_ID", str(before.zoom_meeting_id).encode())
    events = BookingEvent.objects.count()
    assert len(body) < 64 * 1024

    response = post_signed(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    after = meeting_of(booking)
    assert (after.state, after.zoom_meeting_id) == ("synced", before.zoom_meeting_id)
    assert BookingEvent.objects.count() == events


@pytest.fixture
def two_webhooks_a_day(settings):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "API_RATE_LIMIT_PUBLIC": "2/day",
    }


def test_webhooks_over_the_rate_limit_of_a_client_ip_are_refused_with_no_effect(
    client, fake_zoom, book, two_webhooks_a_day
):
    booking = book(at(10))
    meeting_id = meeting_of(booking).zoom_meeting_id
    for _ in range(2):
        assert post_event(client, deleted_event(123456789)).status_code == 200

    response = post_event(client, deleted_event(meeting_id))

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert meeting_of(booking).zoom_meeting_id == meeting_id


def test_the_webhook_rate_limit_counts_each_client_ip_alone(client, db, two_webhooks_a_day):
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
    for _ in range(2):
        post_event(client, event, REMOTE_ADDR="203.0.113.7")

    assert post_event(client, event, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert post_event(client, event, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_our_meeting_deleted_in_zoom_is_recreated_by_the_next_sweep(client, fake_zoom, book):
    booking = book(at(10))
    old = meeting_of(booking)
    del fake_zoom.meetings[old.zoom_meeting_id]  # someone deleted it in Zoom

    response = post_event(client, deleted_event(old.zoom_meeting_id))

    assert response.status_code == 200
    record = meeting_of(booking)
    assert (record.state, record.zoom_meeting_id, record.join_url) == ("pending", None, "")
    event = BookingEvent.objects.filter(booking=booking, kind="meeting_deleted").last()
    assert (event.actor, event.data["reason"]) == ("zoom", "deleted_in_zoom")
    report = sweep()
    assert report.ids(Action.CREATED) == [booking.public_id]
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["id"] != old.zoom_meeting_id
    assert made["password"] == old.passcode  # attendees keep the passcode they were sent


def test_with_recreation_off_a_meeting_deleted_in_zoom_stays_deleted(
    client, fake_zoom, book, settings
):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ZOOM_RECREATE_DELETED": False}
    booking = book(at(10))
    meeting_id = meeting_of(booking).zoom_meeting_id
    del fake_zoom.meetings[meeting_id]

    post_event(client, deleted_event(meeting_id))

    record = meeting_of(booking)
    assert (record.state, record.zoom_meeting_id) == ("deleted", None)
    assert "not recreated" in record.last_error
    assert sweep().outcomes == []
    assert fake_meetings_for(fake_zoom, booking) == []


def test_a_meeting_that_vanished_without_a_webhook_is_recreated_on_the_next_change(
    fake_zoom, book, reschedule
):
    booking = book(at(10))
    old_id = meeting_of(booking).zoom_meeting_id
    del fake_zoom.meetings[old_id]

    booking = reschedule(booking, at(12))

    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["id"] != old_id
    assert made["start_time"] == at(12).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert meeting_of(booking).zoom_meeting_id == made["id"]


def test_a_deletion_of_a_meeting_that_is_not_ours_is_acknowledged_and_ignored(
    client, fake_zoom, book
):
    booking = book(at(10))

    response = post_event(client, deleted_event(123456789))

    assert response.status_code == 200
    assert meeting_of(booking).state == "synced"


def test_our_meeting_changed_in_zoom_is_set_back_by_the_next_sweep(client, fake_zoom, book):
    booking = book(at(10))
    record = meeting_of(booking)
    stored = fake_zoom.meetings[record.zoom_meeting_id]
    stored["start_time"] = at(18).strftime("%Y-%m-%dT%H:%M:%SZ")

    response = post_event(
        client, updated_event(record.zoom_meeting_id, start_time=stored["start_time"])
    )

    assert response.status_code == 200
    assert meeting_of(booking).synced_sequence is None
    event = BookingEvent.objects.filter(booking=booking, kind="meeting_updated").last()
    assert event.data["fields"] == ["start_time"]
    report = sweep()
    assert report.ids(Action.UPDATED) == [booking.public_id]
    assert stored["start_time"] == at(10).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert meeting_of(booking).synced_sequence == booking.sequence


def test_zoom_reporting_our_own_update_changes_nothing(client, fake_zoom, book, reschedule):
    booking = book(at(10))
    booking = reschedule(booking, at(12))
    record = meeting_of(booking)
    events = BookingEvent.objects.count()

    response = post_event(
        client,
        updated_event(
            record.zoom_meeting_id,
            start_time=at(12).strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=30,
            password=record.passcode,
        ),
    )

    assert response.status_code == 200
    assert meeting_of(booking).synced_sequence == booking.sequence
    assert BookingEvent.objects.count() == events


def test_signatures_are_checked_against_the_exact_bytes():
    body = b'{"event":"x","payload":{}}'
    signature = webhooks.sign(SECRET, "1700000000", body)

    webhooks.verify(body, signature, "1700000000", secret=SECRET, now=1700000100)
    with pytest.raises(webhooks.WebhookRejected):
        webhooks.verify(body + b" ", signature, "1700000000", secret=SECRET, now=1700000100)
