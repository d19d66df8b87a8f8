"""A real Huey consumer posts the webhooks, and one killed with SIGKILL mid-delivery is
replaced by one that delivers after the claim's lease, with the same X-PMC-Delivery.

Needs PostgreSQL and Redis (CI sets ``DATABASE_URL`` and ``REDIS_URL``); the data is
committed (``transactional_db``) so the consumer, another process, sees it.
"""

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from tests import factories
from tests.webhooks.conftest import ALL_WEEK, ATTENDEE, at
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint
from wagtail_pmc_booking.models.webhooks import DeliveryStatus
from wagtail_pmc_booking.webhooks import tasks

pytestmark = pytest.mark.postgres

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30
LEASE_SECONDS = 2


@pytest.fixture
def queue(transactional_db, monkeypatch):
    """This process's Huey enqueues into the Redis queue the consumer reads."""
    name = f"pmc-webhooks-worker-{uuid.uuid4().hex[:12]}"
    storage = RedisStorage(name=name, url=os.environ["REDIS_URL"])
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    yield name
    storage.flush_all()


@pytest.fixture
def consumers(queue, tmp_path):
    """Start ``run_huey`` processes; each still running is killed (by its pid) at the end."""
    started = []
    env = {
        **os.environ,
        "PMC_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "PMC_HUEY_NAME": queue,
        "PMC_WEBHOOK_SETTINGS": json.dumps(
            {"WEBHOOK_CLAIM_LEASE_SECONDS": LEASE_SECONDS, "WEBHOOK_TIMEOUT_SECONDS": 1.0}
        ),
        "PYTHONPATH": str(REPO_ROOT),
    }

    def start():
        log = open(tmp_path / f"consumer-{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "run_huey",
                "--settings",
                "tests.webhooks.worker_settings",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        log.close()


def logs_of(process):
    return Path(process.log_path).read_text(errors="replace")


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
