"""A real Huey consumer posts the webhooks, and one killed with SIGKILL mid-delivery is
replaced by one that delivers after the claim's lease, with the same X-PMC-Delivery.

Needs PostgreSQL and Redis (CI sets ``DATABASE_URL`` and ``REDIS_URL``); the data is
committed (``transactional_db``) so the consumer, another process, sees it.
"""

import json
import os
import signal

import pytest
from django.utils import timezone

from tests import factories
from tests.huey_consumers import consumer_pool, logs_of, redis_queue
from tests.webhooks.conftest import ALL_WEEK, ATTENDEE, at
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint
from wagtail_pmc_booking.models.webhooks import DeliveryStatus
from wagtail_pmc_booking.webhooks import tasks

pytestmark = pytest.mark.postgres

WAIT_SECONDS = 30
LEASE_SECONDS = 2


@pytest.fixture
def queue(transactional_db, monkeypatch):
    """This process's Huey enqueues into the Redis queue the consumer reads."""
    with redis_queue(monkeypatch, "pmc-webhooks-worker", os.environ["REDIS_URL"]) as name:
        yield name


@pytest.fixture
def consumers(queue, tmp_path):
    """Start ``run_huey`` processes; each still running is killed (by its pid) at the end."""
    settings = {"WEBHOOK_CLAIM_LEASE_SECONDS": LEASE_SECONDS, "WEBHOOK_TIMEOUT_SECONDS": 1.0}
    with consumer_pool(
        tmp_path,
        "tests.webhooks.worker_settings",
        queue,
        PMC_WEBHOOK_SETTINGS=json.dumps(settings),
    ) as start:
        yield start


def test_a_consumer_killed_mid_delivery_is_replaced_and_the_event_arrives_once(consumers, receiver):
    host = factories.make_host(windows=ALL_WEEK, buffer_before_minutes=0, buffer_after_minutes=0)
    meeting_type = factories.make_meeting_type(
        hosts=[host], minimum_notice_minutes=0, zoom_enabled=False
    )
    endpoint = WebhookEndpoint.objects.create(url=receiver.url)
    receiver.secret = endpoint.secret
    receiver.fail_next(1, "hang")  # the first POST gets no answer while the consumer lives
    first = consumers()

    booking = booking_service.book(
        meeting_type, start=at(7), now=timezone.now(), **ATTENDEE
    ).booking

    assert receiver.wait_for(lambda: receiver.requests, WAIT_SECONDS), logs_of(first)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    (row,) = WebhookDelivery.objects.filter(booking_id=booking.pk)
    assert row.status == DeliveryStatus.PENDING and row.claimed_at is not None

    second = consumers()

    def delivered():
        if not WebhookDelivery.objects.filter(pk=row.pk, status="delivered").exists():
            tasks.deliver_due_webhooks()  # nudge: periodic tasks only fire on the minute
            return False
        return True

    assert receiver.wait_for(delivered, WAIT_SECONDS), logs_of(second)
    row.refresh_from_db()
    assert row.attempts == 2
    assert [r.delivery_id for r in receiver.requests] == [row.event_id] * 2
    assert receiver.delivered_per_id() == {row.event_id: 1}
    assert all(r.verified for r in receiver.requests)
