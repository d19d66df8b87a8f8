"""A booking never ends with two Zoom meetings, even when Zoom's answer to a create is lost."""

import threading

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from tests.zoom_lifecycle.conftest import at, fake_meetings_for, make_meeting_type, meeting_of
from wagtail_pmc_booking.models import Booking, BookingEvent, ZoomMeeting
from wagtail_pmc_booking.zoom import reconcile
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.reconcile import sync_meeting
from wagtail_pmc_booking.zoom.sweep import sweep

CREATE = "/users/{userId}/meetings"


def lose_the_next_create(fake, **options):
    """Zoom creates the meeting, but the client never hears back."""
    fake.fail_next("lost_response", method="POST", **options)


@pytest.mark.parametrize("options", [{"mode": "reset"}, {"mode": "hang", "seconds": 2}])
def test_a_create_whose_answer_was_lost_is_found_again_not_repeated(fake_zoom, book, options):
    lose_the_next_create(fake_zoom, **options)
    booking = book(at(10))
    assert meeting_of(booking).state == "pending"
    (made,) = fake_meetings_for(fake_zoom, booking)

    report = sweep(now=meeting_of(booking).next_attempt_at)

    assert report.ids(Action.CREATED) == [booking.public_id]
    assert fake_meetings_for(fake_zoom, booking) == [made]
    assert len(fake_zoom.calls_to("POST", CREATE)) == 1
    record = meeting_of(booking)
    assert (record.state, record.zoom_meeting_id) == ("synced", made["id"])
    assert (record.join_url, record.passcode) == (made["join_url"], made["password"])
    event = BookingEvent.objects.get(booking=booking, kind="meeting_created")
    assert event.data["recovered"] is True


def test_a_lost_create_is_found_and_moved_when_the_booking_is_rescheduled(
    fake_zoom, book, reschedule
):
    lose_the_next_create(fake_zoom)
    booking = book(at(10))

    booking = reschedule(booking, at(15))

    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["start_time"] == at(15).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert meeting_of(booking).zoom_meeting_id == made["id"]
    assert len(fake_zoom.calls_to("POST", CREATE)) == 1


def test_a_lost_create_is_found_and_deleted_when_the_booking_is_cancelled(fake_zoom, book, cancel):
    lose_the_next_create(fake_zoom)
    booking = book(at(10))
    assert len(fake_meetings_for(fake_zoom, booking)) == 1

    booking = cancel(booking)

    assert fake_meetings_for(fake_zoom, booking) == []
    assert meeting_of(booking).state == "deleted"


def test_a_lost_create_under_the_old_host_is_deleted_when_the_booking_moves(
    fake_zoom, book, reschedule, make_host
):
    first = make_host(zoom_user="first@example.com")
    second = make_host(zoom_user="second@example.com")
    meeting_type = make_meeting_type(hosts=[first, second])
    lose_the_next_create(fake_zoom)
    moving = book(at(10), meeting_type=meeting_type, host=first)
    book(at(11), meeting_type=meeting_type, host=first)

    moving = reschedule(moving, at(11))

    (made,) = fake_meetings_for(fake_zoom, moving)
    assert made["host_email"] == "second@example.com"
    assert meeting_of(moving).zoom_meeting_id == made["id"]


def test_a_delete_whose_answer_was_lost_is_finished_by_the_retry(fake_zoom, book, cancel):
    booking = book(at(10))
    fake_zoom.fail_next("lost_response", method="DELETE")

    booking = cancel(booking)

    assert meeting_of(booking).state == "synced"  # as far as we know, it still exists
    report = sweep(now=meeting_of(booking).next_attempt_at)
    assert report.ids(Action.DELETED) == [booking.public_id]
    assert meeting_of(booking).state == "deleted"
    assert fake_meetings_for(fake_zoom, booking) == []


def test_while_one_sync_waits_for_zoom_another_for_the_same_booking_stands_back(
    fake_zoom, book, transactional_db
):
    fake_zoom.pause()
    booking = book(at(10))
    fake_zoom.resume()
    lose_the_next_create(fake_zoom, mode="hang", seconds=3)
    outcomes = {}

    def first_sync():
        try:
            outcomes["first"] = sync_meeting(booking.pk, force=True)
        finally:
            connection.close()

    thread = threading.Thread(target=first_sync)
    thread.start()
    assert fake_zoom.wait_for(lambda: fake_zoom.calls_to("POST", CREATE), timeout=5)
    calls = len(fake_zoom.calls)

    second = sync_meeting(booking.pk, force=True)

    assert second.action == Action.BUSY
    assert len(fake_zoom.calls) == calls
    thread.join(10)
    assert outcomes["first"].action == Action.FAILED
    sweep(now=meeting_of(booking).next_attempt_at)
    assert len(fake_meetings_for(fake_zoom, booking)) == 1
    assert meeting_of(booking).state == "synced"


def test_a_first_attempt_on_a_record_another_process_made_counts_on_that_record(book):
    """The record is made with the first attempt counted; should a racing writer have
    made it first, that record counts the attempt, so a lost create is still looked for."""
    _first_attempt_counts_on_the_existing_record(book(at(10)))


def test_a_first_attempt_outside_a_transaction_recovers_from_the_duplicate_too(
    transactional_db, book
):
    """As after a commit: the insert runs without a transaction of its own, and its
    failure leaves the connection usable for the record's read and count."""
    _first_attempt_counts_on_the_existing_record(book(at(10)))


def _first_attempt_counts_on_the_existing_record(booking):
    existing = meeting_of(booking)
    attempts = existing.attempts

    record, earlier = ZoomMeeting.first_attempt(
        booking.pk, timezone.now(), zoom_user="other@example.com", is_sandbox=False
    )

    assert (record.pk, earlier, record.attempts) == (existing.pk, attempts, attempts + 1)
    stored = meeting_of(booking)
    assert (stored.attempts, stored.zoom_user) == (attempts + 1, existing.zoom_user)
    assert ZoomMeeting.objects.filter(booking=booking).count() == 1


def test_a_booking_moved_while_zoom_made_its_meeting_gets_the_meeting_moved(
    fake_zoom, book, monkeypatch
):
    """The sync checks the booking's revision after its call: a reschedule committed
    meanwhile is a second round (an update), not a meeting left at the old time."""
    original = reconcile.ensure_present
    moved = {}

    def create_then_reschedule_elsewhere(booking, *args):
        action = original(booking, *args)
        if not moved:  # another process moves the booking while Zoom answered
            moved["to"] = at(15)
            Booking.objects.filter(pk=booking.pk).update(
                start=at(15),
                end=at(15, 30),
                blocked_start=at(15),
                blocked_end=at(15, 30),
                sequence=F("sequence") + 1,
            )
        return action

    monkeypatch.setattr(reconcile, "ensure_present", create_then_reschedule_elsewhere)
    booking = book(at(10))

    (made,) = fake_meetings_for(fake_zoom, booking)
    assert made["start_time"] == at(15).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = meeting_of(booking)
    assert (record.state, record.synced_sequence) == ("synced", booking.sequence + 1)
    assert len(fake_zoom.calls_to("POST", CREATE)) == 1
