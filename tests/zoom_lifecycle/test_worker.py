"""A real Huey consumer (``manage.py run_huey`` on RedisHuey) does the Zoom work, and a
consumer killed in the middle of it is replaced by one that finishes without duplicates.

Needs PostgreSQL and Redis (CI sets ``DATABASE_URL`` and ``REDIS_URL``); the data is
committed (``transactional_db``) so the consumer, another process, can see it.
"""

import json
import os
import signal
import time

import pytest
from django.db import connection

from tests.huey_consumers import consumer_pool, logs_of, redis_queue
from tests.zoom_lifecycle.conftest import at, fake_meetings_for
from wagtail_pmc_booking.models import ZoomMeeting

pytestmark = pytest.mark.postgres

WAIT_SECONDS = 40


def _redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.fixture
def committed_db(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    if _redis_url() is None:
        pytest.skip("needs Redis (set REDIS_URL)")


@pytest.fixture
def queue(committed_db, monkeypatch):
    """This process's Huey enqueues into the Redis queue the consumer reads."""
    with redis_queue(monkeypatch, "pmc-zoom-worker", _redis_url()) as name:
        yield name


@pytest.fixture
def consumers(queue, fake_zoom, settings, tmp_path):
    """Start ``run_huey`` processes; each is killed (by its pid) at the end of the test."""
    zoom = {
        key: settings.WAGTAIL_PMC_BOOKING[key]
        for key in (
            "ZOOM_BACKEND",
            "ZOOM_ACCOUNT_ID",
            "ZOOM_CLIENT_ID",
            "ZOOM_CLIENT_SECRET",
            "ZOOM_API_BASE_URL",
            "ZOOM_OAUTH_TOKEN_URL",
        )
    }
    zoom["ZOOM_TIMEOUT"] = [1, 5]  # longer than the test takes to kill a consumer mid-call
    with consumer_pool(
        tmp_path,
        "tests.zoom_lifecycle.worker_settings",
        queue,
        PMC_ZOOM_SETTINGS=json.dumps(zoom),
    ) as start:
        yield start


def wait_until(predicate, process, what):
    """Poll (the database or the fake) until ``predicate()`` holds, up to a deadline."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        assert process.poll() is None, f"the consumer died:\n{logs_of(process)}"
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen in {WAIT_SECONDS} s:\n{logs_of(process)}")


def synced(booking):
    return lambda: ZoomMeeting.objects.filter(booking=booking, state="synced").exists()


@pytest.fixture
def hand_to_worker(settings):
    """The web request spends no time on Zoom: the meeting is the worker's job."""
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "ZOOM_INLINE_BUDGET_SECONDS": 0.01,
    }


def test_a_real_consumer_creates_the_meeting_of_a_new_booking(
    consumers, fake_zoom, book, hand_to_worker
):
    consumer = consumers()

    booking = book(at(10))

    assert fake_zoom.calls == []  # nothing was sent from the web process
    wait_until(synced(booking), consumer, "the consumer creating the meeting")
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert ZoomMeeting.objects.get(booking=booking).zoom_meeting_id == made["id"]


def test_a_consumer_killed_mid_create_is_replaced_by_one_that_finishes_without_duplicates(
    consumers, fake_zoom, book, hand_to_worker
):
    # Zoom creates the meeting but holds the answer until the consumer is gone.
    fake_zoom.fail_next("lost_response", method="POST", mode="hang", seconds=30)
    first = consumers()

    booking = book(at(10))
    assert fake_zoom.wait_for(lambda: fake_zoom.calls_to("POST"), timeout=WAIT_SECONDS), logs_of(
        first
    )
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert len(fake_meetings_for(fake_zoom, booking)) == 1
    assert not ZoomMeeting.objects.filter(booking=booking, state="synced").exists()

    second = consumers()

    wait_until(synced(booking), second, "the new consumer finishing the meeting")
    (made,) = fake_meetings_for(fake_zoom, booking)
    assert ZoomMeeting.objects.get(booking=booking).zoom_meeting_id == made["id"]
    assert len(fake_zoom.calls_to("POST", "/users/{userId}/meetings")) == 1
