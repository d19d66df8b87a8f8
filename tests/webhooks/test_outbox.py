"""The outbox: deliveries are written with the audit line, in its transaction, once per
endpoint that wants the event, and never undo a booking."""

import json

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from tests import factories
from tests.webhooks.conftest import ATTENDEE, at, deliveries
from wagtail_pmc_booking import audit, links
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, WebhookDelivery, WebhookEndpoint
from wagtail_pmc_booking.models.bookings import BookingStatus, EventKind
from wagtail_pmc_booking.models.webhooks import DeliveryStatus


def test_the_payload_carries_the_booking_exactly_as_the_api_answers_it(
    endpoint, receiver, book, client, meeting_type
):
    meeting_type.questions = factories.SAMPLE_QUESTIONS
    meeting_type.save()
    booking = book(
        answers={"company": "Acme", "consent": True},
        tracking={"utm_source": "newsletter"},
    )
    answer = client.get(
        f"/v1/bookings/{booking.public_id}", {"token": links.manage_token_for(booking)}
    )

    assert answer.status_code == 200
    sent = receiver.requests[0].json["data"]["booking"]
    assert sent == answer.json()
    assert sent["answers"]["company"] == "Acme" and sent["tracking"] == {"utm_source": "newsletter"}
    assert sent["attendance"] == "unknown" and sent["rescheduleUrl"] and sent["cancelUrl"]


def test_the_body_is_compact_utf8_json_stored_verbatim(endpoint, receiver, book):
    book(attendee_name="Zoë Ångström")
    (row,) = deliveries()
    assert "Zoë Ångström" in row.payload and ", " not in row.payload.split('"answers"')[0][:20]
    assert json.loads(row.payload)["data"]["booking"]["attendee"]["name"] == "Zoë Ångström"
    assert receiver.requests[0].body == row.payload.encode("utf-8")


def test_a_rolled_back_booking_leaves_no_delivery(endpoint, receiver, meeting_type, clock):
    with pytest.raises(RuntimeError), transaction.atomic():
        booking_service.book(meeting_type, start=at(7), now=timezone.now(), **ATTENDEE)
        assert WebhookDelivery.objects.count() == 1  # written with the booking...
        raise RuntimeError("the request failed after the booking")
    assert WebhookDelivery.objects.count() == 0  # ...and rolled back with it
    assert receiver.requests == []


def test_the_delivery_row_exists_at_commit_before_any_task_ran(
    endpoint, receiver, meeting_type, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_service.book(meeting_type, start=at(7), now=timezone.now(), **ATTENDEE)
    (row,) = deliveries()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at == timezone.now()
    assert receiver.requests == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1


def test_a_failing_delivery_insert_leaves_the_booking_confirmed(
    endpoint, receiver, book, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(WebhookDelivery.objects, "bulk_create", broken)
    booking = book()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert WebhookDelivery.objects.count() == 0
    assert "Could not write the webhook deliveries" in caplog.text


def test_event_and_meeting_type_filters(db, receiver, book, meeting_type, host):
    other_type = factories.make_meeting_type(
        hosts=[host], minimum_notice_minutes=0, zoom_enabled=False
    )
    only_cancels = WebhookEndpoint.objects.create(url=receiver.url, events=["booking.cancelled"])
    only_other = WebhookEndpoint.objects.create(url=receiver.url)
    only_other.meeting_types.set([other_type])
    everything = WebhookEndpoint.objects.create(url=receiver.url)

    book(meeting_type=meeting_type)

    assert [row.endpoint_id for row in deliveries()] == [everything.pk]
    book(at(8), meeting_type=other_type)
    assert {row.endpoint_id for row in deliveries(booking__meeting_type=other_type)} == {
        only_other.pk,
        everything.pk,
    }
    assert not deliveries(endpoint=only_cancels)


def test_one_event_id_for_all_endpoints_no_delivery_for_an_inactive_one(db, receiver, book):
    first = WebhookEndpoint.objects.create(url=receiver.url)
    second = WebhookEndpoint.objects.create(url=receiver.url)
    WebhookEndpoint.objects.create(url=receiver.url, is_active=False)
    book()
    rows = deliveries()
    assert [r.endpoint_id for r in rows] == [first.pk, second.pk]
    assert len({r.event_id for r in rows}) == 1


def test_without_endpoints_an_event_costs_one_query(db, book, django_assert_num_queries):
    booking = book()
    with django_assert_num_queries(2):  # the line, and the read of the active endpoints
        audit.record(booking, EventKind.CREATED, "again")
    with django_assert_num_queries(1):  # the line alone: emails etc. are not events
        audit.record(booking, EventKind.EMAIL_SENT, "sent")
    assert WebhookDelivery.objects.count() == 0


def test_a_sandbox_booking_sends_nothing(endpoint, committed, meeting_type, host, clock):
    row = factories.make_booking_row(meeting_type, host, at(7), is_sandbox=True)
    committed(audit.record, row, EventKind.CREATED, "made with a test key")
    assert WebhookDelivery.objects.count() == 0


def test_the_api_override_note_is_not_a_meeting_update(endpoint, committed, book):
    booking = book()
    committed(audit.record, booking, EventKind.MEETING_UPDATED, "topic set", {"topic": "x"})
    committed(audit.record, booking, EventKind.MEETING_UPDATED, "changed", {"zoom_meeting_id": "9"})
    assert [row.event_type for row in deliveries()] == ["booking.created", "meeting.updated"]


def test_a_zoom_meeting_made_for_a_booking_is_meeting_created(
    endpoint, receiver, book, zoom_meeting_type
):
    booking = book(meeting_type=zoom_meeting_type)
    types = [r.json["type"] for r in receiver.requests]
    assert types == ["booking.created", "meeting.created"]
    meeting = receiver.requests[1].json["data"]["booking"]["meeting"]
    assert meeting["status"] == "created" and meeting["meetingId"]
    assert booking.pk == deliveries()[1].booking_id


@pytest.mark.parametrize(
    ("kind", "event_type"),
    [(EventKind.ATTENDED, "booking.attended"), (EventKind.NO_SHOW, "booking.no_show")],
)
def test_attendance_verdicts_are_webhooks(endpoint, receiver, book, committed, kind, event_type):
    booking = book()
    committed(audit.record, booking, kind, "verdict")
    assert receiver.requests[-1].json["type"] == event_type
    assert receiver.requests[-1].headers["X-PMC-Event"] == event_type


def test_a_private_url_is_refused_without_a_request(endpoint, receiver, book, settings):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ALLOW_PRIVATE_URLS": False}
    book()
    (row,) = deliveries()
    assert receiver.requests == []
    assert row.status == DeliveryStatus.PENDING and "own network" in row.last_error


def test_the_command_delivers_everything_owed_now_and_says_how(
    endpoint, receiver, book, run_command
):
    receiver.fail_next(2)
    book(at(7))
    book(at(8))
    receiver.fail_next(1)
    first_run = run_command()
    lines = first_run.splitlines()
    rows = deliveries()
    host = receiver.url.split("/hooks")[0]
    assert lines[0].startswith(f"{rows[0].event_id} booking.created -> {host}/… failed 500")
    assert "(attempt 2, next at " in lines[0]
    assert lines[1] == f"{rows[1].event_id} booking.created -> {host}/… delivered 200"
    assert lines[-1] == "Webhooks: 1 delivered, 1 failed (retried later), 0 gave up."
    assert run_command().splitlines()[-1] == (
        "Webhooks: 1 delivered, 0 failed (retried later), 0 gave up."
    )
