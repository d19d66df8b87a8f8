"""Zoom down or refusing: the booking stands, the meeting is owed, and it is made later."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from huey.contrib.djhuey import HUEY

from tests.zoom_fake.server import http_date
from tests.zoom_lifecycle.conftest import at, fake_meetings_for, meeting_of, reload
from wagtail_pmc_booking.models import BookingEvent
from wagtail_pmc_booking.zoom import tasks
from wagtail_pmc_booking.zoom.answers import resync_now
from wagtail_pmc_booking.zoom.backoff import backoff
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.sweep import SWEEP_MAX_FAILURES_IN_A_ROW, sweep


def retries_scheduled():
    return [t for t in HUEY.scheduled() if t.name == "sync_booking_meeting"]


@pytest.fixture
def zoom_settings(settings, fake_zoom):
    def change(**values):
        settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, **values}

    return change


@pytest.mark.parametrize(
    ("fault", "options", "error"),
    [
        ("500", {}, "HTTP 500"),
        ("timeout", {"seconds": 1}, "no answer within"),
        ("refused", {}, "connection failed"),
        ("429", {"retry_after": "1"}, "HTTP 429"),
    ],
)
def test_zoom_failing_leaves_the_booking_confirmed_and_the_meeting_owed_then_the_sweep_makes_it(
    fake_zoom, book, fault, options, error
):
    fake_zoom.fail_next(fault, method="POST", **options)
    started = datetime.now(UTC)

    booking = book(at(10))

    assert reload(booking).status == "confirmed"
    record = meeting_of(booking)
    assert (record.state, record.attempts, record.zoom_meeting_id) == ("pending", 1, None)
    assert error in record.last_error
    assert record.next_attempt_at > started
    (failed,) = BookingEvent.objects.filter(booking=booking, kind="meeting_failed")
    assert error in failed.data["error"] and failed.data["attempts"] == 1
    (retry,) = retries_scheduled()
    assert retry.args == (booking.pk,)
    assert abs((retry.eta.replace(tzinfo=UTC) - record.next_attempt_at).total_seconds()) < 2

    report = sweep(now=record.next_attempt_at)

    assert report.ids(Action.CREATED) == [booking.public_id]
    assert len(fake_meetings_for(fake_zoom, booking)) == 1
    record = meeting_of(booking)
    assert (record.state, record.attempts, record.last_error, record.next_attempt_at) == (
        "synced",
        0,
        "",
        None,
    )


def test_nothing_is_retried_before_its_time(fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))
    calls = len(fake_zoom.calls)

    report = sweep()

    assert report.outcomes == []
    assert len(fake_zoom.calls) == calls
    assert meeting_of(booking).state == "pending"


def test_retries_wait_longer_each_time_up_to_the_cap(fake_zoom, book, zoom_settings):
    zoom_settings(ZOOM_RETRY_BASE_SECONDS=40, ZOOM_RETRY_MAX_SECONDS=100)
    fake_zoom.fail_next("500", count=1, method="POST")
    fake_zoom.fail_next("500", count=3, method="GET")
    before = datetime.now(UTC)
    booking = book(at(10))
    delays = [(meeting_of(booking).next_attempt_at - before).total_seconds()]
    for _ in range(3):
        now = meeting_of(booking).next_attempt_at
        sweep(now=now)
        delays.append((meeting_of(booking).next_attempt_at - now).total_seconds())

    assert 20 <= delays[0] <= 40 + 5
    assert 40 <= delays[1] <= 80
    assert 50 <= delays[2] <= 100  # capped: 160 would be next
    assert 50 <= delays[3] <= 100
    assert meeting_of(booking).attempts == 4


def test_backoff_doubles_up_to_the_cap_and_retry_after_wins():
    class Top:
        @staticmethod
        def uniform(low, high):
            return high

    assert [backoff(n, rng=Top) for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(50, rng=Top) == 3600
    assert backoff(1, retry_after=7200, rng=Top) == 7200


def test_retry_after_in_seconds_is_honoured(fake_zoom, book):
    fake_zoom.fail_next("429", method="POST", retry_after="900")
    started = datetime.now(UTC)

    booking = book(at(10))

    assert meeting_of(booking).next_attempt_at >= started + timedelta(seconds=900)


def test_retry_after_as_an_http_date_is_honoured(fake_zoom, book):
    later = datetime.now(UTC) + timedelta(hours=2)
    fake_zoom.fail_next("429", method="POST", retry_after=http_date(later))

    booking = book(at(10))

    assert meeting_of(booking).next_attempt_at >= later - timedelta(seconds=2)


def test_the_daily_limit_waits_until_midnight_utc(fake_zoom, book):
    fake_zoom.fail_next("daily_limit", method="POST", retry_after=None)
    midnight = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )

    booking = book(at(10))

    record = meeting_of(booking)
    assert record.state == "pending"
    assert record.next_attempt_at >= midnight - timedelta(seconds=1)


def test_the_retry_task_makes_the_meeting_when_its_time_comes(fake_zoom, book, monkeypatch):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))
    due = meeting_of(booking).next_attempt_at

    assert tasks.sync_booking_meeting.call_local(booking.pk) == Action.NOT_DUE
    monkeypatch.setattr("django.utils.timezone.now", lambda: due + timedelta(seconds=1))
    assert tasks.sync_booking_meeting.call_local(booking.pk) == Action.CREATED

    assert len(fake_meetings_for(fake_zoom, booking)) == 1


def test_a_failing_retry_queues_the_next_one(fake_zoom, book, monkeypatch):
    fake_zoom.fail_next("500", count=2, method="POST")
    booking = book(at(10))
    first = meeting_of(booking).next_attempt_at
    monkeypatch.setattr("django.utils.timezone.now", lambda: first + timedelta(seconds=1))
    HUEY.storage.flush_all()

    assert tasks.sync_booking_meeting.call_local(booking.pk) == Action.FAILED

    record = meeting_of(booking)
    assert record.attempts == 2 and record.next_attempt_at > first
    (retry,) = retries_scheduled()
    assert retry.args == (booking.pk,)


def test_the_inline_attempt_never_holds_the_request_longer_than_its_budget(
    fake_zoom, book, zoom_settings
):
    zoom_settings(ZOOM_TIMEOUT=(5, 5), ZOOM_INLINE_BUDGET_SECONDS=1.0)
    fake_zoom.fail_next("timeout", method="POST", seconds=8)

    started = time.monotonic()
    booking = book(at(10))
    elapsed = time.monotonic() - started

    assert elapsed < 2.0
    record = meeting_of(booking)
    assert record.state == "pending" and "no answer within" in record.last_error
    assert retries_scheduled()


def test_a_spent_budget_hands_the_work_to_a_worker_without_recording_a_failure(
    fake_zoom, book, zoom_settings
):
    zoom_settings(ZOOM_INLINE_BUDGET_SECONDS=0.01)

    # In immediate mode the queued task runs at once, without the budget.
    booking = book(at(10))

    record = meeting_of(booking)
    assert (record.state, record.attempts) == ("synced", 0)
    assert [c.method for c in fake_zoom.calls] == ["POST"]
    assert not BookingEvent.objects.filter(booking=booking, kind="meeting_failed").exists()


def test_rejected_credentials_fail_clearly_and_pause_retries_until_the_settings_change(
    fake_zoom, book, zoom_settings
):
    zoom_settings(ZOOM_CLIENT_SECRET="not-the-secret")

    booking = book(at(10))

    record = meeting_of(booking)
    assert record.state == "failed"
    assert record.last_error.startswith("Zoom refused the app's credentials")
    assert "not-the-secret" not in record.last_error
    token_requests = fake_zoom.token_requests
    far = datetime.now(UTC) + timedelta(days=1)

    paused = sweep(now=far)

    assert paused.paused and paused.outcomes == []
    assert fake_zoom.token_requests == token_requests
    zoom_settings(ZOOM_CLIENT_SECRET=fake_zoom.client_secret)
    resumed = sweep(now=far)
    assert resumed.ids(Action.CREATED) == [booking.public_id]


def test_resync_now_tries_even_while_retries_are_paused(fake_zoom, book, zoom_settings):
    zoom_settings(ZOOM_CLIENT_SECRET="not-the-secret")
    booking = book(at(10))
    token_requests = fake_zoom.token_requests

    outcome = resync_now(booking)

    assert outcome.action == Action.FAILED
    assert fake_zoom.token_requests > token_requests
    assert meeting_of(booking).attempts == 2


def test_a_meeting_zoom_keeps_refusing_waits_for_resync_now_after_max_attempts(
    fake_zoom, book, zoom_settings
):
    zoom_settings(ZOOM_MAX_ATTEMPTS=2)
    fake_zoom.users = {"somebody-else@example.com"}
    booking = book(at(10))
    assert meeting_of(booking).next_attempt_at is not None

    sweep(now=meeting_of(booking).next_attempt_at)

    record = meeting_of(booking)
    assert (record.state, record.attempts, record.next_attempt_at) == ("failed", 2, None)
    assert "1001" in record.last_error
    calls = len(fake_zoom.calls)
    assert sweep(now=datetime.now(UTC) + timedelta(days=2)).outcomes == []
    assert len(fake_zoom.calls) == calls
    fake_zoom.users = None
    assert resync_now(booking).action == Action.CREATED


def test_the_sweep_stops_early_while_zoom_is_down_and_finishes_when_it_is_back(fake_zoom, book):
    fake_zoom.pause()
    bookings = [book(at(10, 30 * n)) for n in range(5)]
    later = max(meeting_of(b).next_attempt_at for b in bookings)

    down = sweep(now=later)

    assert down.stopped_early
    assert len(down.ids(Action.FAILED)) == SWEEP_MAX_FAILURES_IN_A_ROW
    fake_zoom.resume()
    later = max(meeting_of(b).next_attempt_at for b in bookings)
    back = sweep(now=later)
    assert sorted(back.ids(Action.CREATED)) == sorted(b.public_id for b in bookings)
    assert all(len(fake_meetings_for(fake_zoom, b)) == 1 for b in bookings)
