"""``manage.py pmc_zoom_resync``: one sweep, now, and a report of what it did."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.zoom_lifecycle.conftest import at, fake_meetings_for, meeting_of


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

    assert resync() == "Zoom resync: 0 created, 0 updated, 0 deleted, 0 skipped, 0 failed, 0 busy\n"


def test_one_booking_can_be_resynced_before_its_retry_time(fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))

    output = resync("--booking", booking.public_id)

    assert f"created:\n  {booking.public_id}\n" in output
    assert meeting_of(booking).state == "synced"


def test_an_unknown_booking_is_an_error(db):
    with pytest.raises(CommandError):
        resync("--booking", "bk_nosuchbooking")
