"""``manage.py pmc_zoom_resync``: one sweep, now, and a report of what it did."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.zoom_lifecycle.conftest import at, fake_meetings_for, meeting_of
from wagtail_pmc_booking.zoom import tasks
from wagtail_pmc_booking.zoom.backoff import credentials_rejected
from wagtail_pmc_booking.zoom.outcomes import REPORTED_ACTIONS
from wagtail_pmc_booking.zoom.sweep import SWEEP_MAX_FAILURES_IN_A_ROW

NOTHING_DONE = "Zoom resync: 0 created, 0 updated, 0 deleted, 0 skipped, 0 failed, 0 busy"


def resync(*args):
    out = StringIO()
    call_command("pmc_zoom_resync", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def later(monkeypatch):
    """Move the clock past every retry time."""

    def later(minutes=120):
        moment = timezone.now() + timedelta(minutes=minutes)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return later


def test_it_prints_what_it_did_after_an_outage(fake_zoom, book, cancel, later):
    fake_zoom.set_fault("500")
    made = [book(at(10)), book(at(11))]
    gone = cancel(book(at(12)))
    fake_zoom.clear_faults()
    later()

    output = resync()

    assert output.splitlines() == [
        "Zoom resync: 2 created, 0 updated, 1 deleted, 0 skipped, 0 failed, 0 busy",
        "created:",
        f"  {made[0].public_id}",
        f"  {made[1].public_id}",
        "deleted:",
        f"  {gone.public_id}",
    ]
    assert all(len(fake_meetings_for(fake_zoom, b)) == 1 for b in made)
    assert meeting_of(gone).state == "deleted"


def test_it_prints_deletions_and_failures_with_their_errors(fake_zoom, book, cancel, later):
    kept = book(at(10))
    fake_zoom.set_fault("500", method="DELETE")
    gone = cancel(book(at(11)))
    fake_zoom.clear_faults()
    fake_zoom.fail_next("lost_response", method="POST")
    lost = book(at(12))
    fake_zoom.set_fault("500", method="GET")
    later()

    output = resync()

    assert output.splitlines()[0] == (
        "Zoom resync: 0 created, 0 updated, 1 deleted, 0 skipped, 1 failed, 0 busy"
    )
    assert f"deleted:\n  {gone.public_id}\n" in output
    assert f"failed:\n  {lost.public_id} (Zoom GET /users/{{userId}}/meetings: HTTP 500" in output
    assert kept.public_id not in output


def test_with_nothing_to_do_it_says_so(fake_zoom, book):
    book(at(10))

    assert resync() == NOTHING_DONE + "\n"


def test_one_booking_can_be_resynced_before_its_retry_time(fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))

    output = resync("--booking", booking.public_id)

    assert f"created:\n  {booking.public_id}\n" in output
    assert meeting_of(booking).state == "synced"


def test_an_unknown_booking_is_an_error(db):
    with pytest.raises(CommandError):
        resync("--booking", "bk_nosuchbooking")


@pytest.fixture
def just_after_an_outage(fake_zoom, book):
    """Bookings made while Zoom failed, Zoom back, their retry times still ahead."""
    fake_zoom.set_fault("500")
    owed = [book(at(10)), book(at(11))]
    fake_zoom.clear_faults()
    assert all(meeting_of(b).next_attempt_at > timezone.now() for b in owed)
    return owed


def test_right_after_an_outage_it_creates_every_owed_meeting_at_once(
    fake_zoom, just_after_an_outage
):
    output = resync()

    assert output.splitlines()[0].startswith("Zoom resync: 2 created,")
    for booking in just_after_an_outage:
        assert len(fake_meetings_for(fake_zoom, booking)) == 1
        assert meeting_of(booking).state == "synced"


def test_the_periodic_sweep_at_that_moment_still_waits_for_the_retry_times(
    fake_zoom, just_after_an_outage
):
    calls = len(fake_zoom.calls)

    counts = tasks.sweep_zoom_meetings.call_local()

    assert counts == dict.fromkeys(REPORTED_ACTIONS, 0)
    assert len(fake_zoom.calls) == calls
    assert all(meeting_of(b).state == "pending" for b in just_after_an_outage)


def test_respect_backoff_leaves_meetings_to_their_retry_times(fake_zoom, just_after_an_outage):
    calls = len(fake_zoom.calls)

    assert resync("--respect-backoff") == NOTHING_DONE + "\n"
    assert len(fake_zoom.calls) == calls


def test_it_stops_early_when_zoom_is_down_again(fake_zoom, book):
    fake_zoom.set_fault("500")
    owed = [book(at(10, 30 * n)) for n in range(5)]

    output = resync()

    assert output.splitlines()[0] == (
        f"Zoom resync: 0 created, 0 updated, 0 deleted, 0 skipped, "
        f"{SWEEP_MAX_FAILURES_IN_A_ROW} failed, 0 busy"
    )
    assert "Stopped early" in output
    assert all(meeting_of(b).state == "pending" for b in owed)


@pytest.fixture
def refused_credentials(fake_zoom, settings):
    """A booking whose create Zoom refused for the credentials (retries now paused)."""

    def refuse(booking_factory, *starts):
        settings.WAGTAIL_PMC_BOOKING = {
            **settings.WAGTAIL_PMC_BOOKING,
            "ZOOM_CLIENT_SECRET": "not-the-secret",
        }
        made = [booking_factory(start) for start in starts]
        assert credentials_rejected()
        return made

    return refuse


def test_it_tries_again_after_refused_credentials_are_fixed_in_zoom(
    fake_zoom, book, settings, refused_credentials
):
    (booking,) = refused_credentials(book, at(10))
    # Fixed on Zoom's side (say, a scope added): the settings, and so the pause, stay.
    fake_zoom.client_secret = "not-the-secret"

    output = resync()

    assert f"created:\n  {booking.public_id}\n" in output
    assert not credentials_rejected()


def test_it_stops_at_the_first_refusal_of_the_credentials(fake_zoom, book, refused_credentials):
    refused_credentials(book, at(10), at(11), at(12))
    token_requests = fake_zoom.token_requests

    output = resync()

    assert "1 failed" in output.splitlines()[0]
    assert "Paused: Zoom refused the app's credentials" in output
    assert fake_zoom.token_requests == token_requests + 1
