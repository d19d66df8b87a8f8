"""Booking events reach a real loopback receiver signed, once per event id, through outages."""

from datetime import timedelta

from django.utils import timezone

from tests.webhooks.conftest import at, deliveries
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import WebhookDelivery
from wagtail_pmc_booking.models.webhooks import DeliveryStatus
from wagtail_pmc_booking.webhooks import deliver


def test_a_booking_is_posted_signed_with_the_contract_headers(endpoint, receiver, book):
    booking = book()

    (received,) = receiver.requests
    (delivery,) = deliveries()
    assert received.status == 200 and received.verified
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-PMC-Event"] == "booking.created"
    assert received.headers["X-PMC-Delivery"] == delivery.event_id
    assert received.headers["User-Agent"] == "wagtail-pmc-booking-webhooks/1"
    assert received.body == delivery.payload.encode()
    body = received.json
    assert body["id"] == delivery.event_id and body["id"].startswith("evt_")
    assert len(body["id"]) == 30 and body["id"][4:].islower()
    assert body["type"] == "booking.created"
    assert body["createdAt"].endswith("Z")
    assert body["data"]["booking"]["bookingId"] == booking.public_id
    assert body["data"]["sequence"] == booking.sequence
    assert "manageToken" not in body["data"]["booking"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.delivered_at == timezone.now()


def test_five_bookings_through_an_outage_arrive_once_each_with_one_delivery_id(
    endpoint, receiver, book, clock, run_command
):
    receiver.fail_next(1000)  # every POST answers 500 until it recovers
    bookings = [book(at(7 + n)) for n in range(5)]
    assert len(receiver.answered(500, 500)) == 5
    clock.shift(timedelta(minutes=2))
    assert len(deliver.deliver_due()) == 5  # the sweep retries them, still failing
    receiver.recover()

    clock.shift(timedelta(minutes=5))
    outcomes = deliver.deliver_due()

    assert [o.result for o in outcomes] == ["delivered"] * 5
    rows = deliveries()
    assert {row.booking_id for row in rows} == {b.pk for b in bookings}
    assert receiver.delivered_per_id() == {row.event_id: 1 for row in rows}
    for row in rows:
        sent = [r for r in receiver.requests if r.delivery_id == row.event_id]
        assert len(sent) == 3  # two 500s, then the 2xx, all with the same delivery id
        assert {r.body for r in sent} == {row.payload.encode()}
    assert all(r.verified for r in receiver.requests)
    assert deliver.deliver_due() == [] and "0 delivered" in run_command()


def test_the_backoff_doubles_from_a_minute_with_jitter_and_caps_at_six_hours(
    endpoint, receiver, book, clock
):
    receiver.fail_next(1000)
    book()
    (row,) = deliveries()
    waits = []
    for _ in range(12):
        row.refresh_from_db()
        waits.append((row.next_attempt_at - timezone.now()).total_seconds())
        clock.move_to(row.next_attempt_at)
        deliver.deliver_due()
    for n, wait in enumerate(waits[:9], start=1):
        ceiling = min(60 * 2 ** (n - 1), 6 * 3600)
        assert ceiling / 2 <= wait <= ceiling, (n, wait)
    assert max(waits) <= 6 * 3600


def test_a_delivery_gives_up_after_24_hours_with_an_audit_line(endpoint, receiver, book, clock):
    receiver.fail_next(1000)
    booking = book()
    (row,) = deliveries()
    give_up_at = row.give_up_at
    assert give_up_at == timezone.now() + timedelta(hours=24)
    while row.status == DeliveryStatus.PENDING:
        clock.move_to(row.next_attempt_at)
        deliver.deliver_due()
        row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert timezone.now() == give_up_at  # the last try was at the end of the window
    assert row.last_status_code == 500 and "127.0.0.1 answered 500" in row.last_error
    line = booking.events.get(kind="webhook_failed")
    assert line.data == {
        "endpoint_id": endpoint.pk,
        "event_id": row.event_id,
        "event_type": "booking.created",
    }
    assert endpoint.secret not in line.message
    clock.shift(timedelta(hours=1))
    assert deliver.deliver_due() == []


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_deliveries_failed(
    endpoint, receiver, book, clock
):
    receiver.fail_next(10_000)
    book(at(7))
    endpoint.refresh_from_db()
    assert endpoint.failing_since == timezone.now()
    for day in range(1, 4):
        clock.shift(timedelta(days=1))
        book(at(7 + day))
        endpoint.refresh_from_db()
        assert endpoint.is_active is (day < 3)
    assert endpoint.disabled_at == timezone.now() and endpoint.disabled_reason
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    sent = len(receiver.requests)
    book(at(12))
    assert len(receiver.requests) == sent and deliveries(endpoint=endpoint)[-1].pk  # no new row
    assert WebhookDelivery.objects.count() == 4


def test_a_success_clears_the_failing_since(endpoint, receiver, book, clock):
    receiver.fail_next(1)
    book()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    clock.shift(timedelta(minutes=2))
    deliver.deliver_due()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.is_active


def test_a_redirect_is_not_followed_and_counts_as_a_failure(endpoint, receiver, book):
    receiver.fail_next(1, "redirect")
    book()
    (row,) = deliveries()
    assert [r.path for r in receiver.requests] == ["/hooks/pmc"]  # not /elsewhere
    assert row.status == DeliveryStatus.PENDING and row.last_status_code == 302


def test_a_hung_receiver_times_out_and_is_retried(endpoint, receiver, book, clock, settings):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "WEBHOOK_TIMEOUT_SECONDS": 0.5}
    receiver.fail_next(1, "hang")
    book()
    (row,) = deliveries()
    assert row.status == DeliveryStatus.PENDING and row.last_status_code is None
    assert "did not answer within 0.5 s" in row.last_error
    clock.shift(timedelta(minutes=2))
    assert [o.result for o in deliver.deliver_due()] == ["delivered"]


def test_a_refused_connection_is_retried_with_the_host_named(endpoint, receiver, book):
    receiver.stop()
    book()
    (row,) = deliveries()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.last_error == "Could not connect to 127.0.0.1"


def test_a_rolled_secret_signs_twice_for_24_hours(endpoint, receiver, book, clock, run_command):
    old = endpoint.secret
    new = endpoint.roll_secret(timezone.now())
    receiver.secret = old
    book(at(7))
    first = receiver.requests[-1]
    assert first.headers["X-PMC-Signature"].count("v1=") == 2
    assert first.verified  # with the old secret
    receiver.secret = new
    book(at(8))
    assert receiver.requests[-1].verified  # and with the new one

    clock.shift(timedelta(hours=24, seconds=1))
    receiver.secret = old
    book(at(9))
    after = receiver.requests[-1]
    assert after.headers["X-PMC-Signature"].count("v1=") == 1
    assert not after.verified


def test_two_senders_never_post_one_attempt_twice(endpoint, receiver, book, clock):
    receiver.fail_next(1)
    book()
    (row,) = deliveries()
    clock.shift(timedelta(minutes=5))
    assert deliver.claim(row.pk, timezone.now()) is not None
    assert deliver.attempt(row.pk) is None  # claimed, within the lease
    clock.shift(timedelta(seconds=61))
    assert deliver.attempt(row.pk).result == "delivered"  # the lease ran out


def test_a_cancelled_and_a_rescheduled_booking_send_their_events_in_order(
    endpoint, receiver, book, committed, clock
):
    booking = book()
    moved = committed(booking_service.reschedule, booking, start=at(8), now=timezone.now())
    committed(booking_service.cancel, moved.booking, now=timezone.now())

    kinds = [(r.json["type"], r.json["data"]["sequence"]) for r in receiver.requests]
    assert kinds == [("booking.created", 0), ("booking.rescheduled", 1), ("booking.cancelled", 2)]
    assert receiver.requests[-1].json["data"]["booking"]["status"] == "cancelled"
