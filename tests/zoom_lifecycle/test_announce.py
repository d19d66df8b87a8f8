"""An attendee whose Zoom link came after their confirmation gets it by email."""

from django.core import mail

from tests.zoom_lifecycle.conftest import at, meeting_of
from wagtail_pmc_booking import signals
from wagtail_pmc_booking.models import Booking
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.reconcile import sync_inline, sync_meeting


def attendee_emails(booking):
    return [m for m in mail.outbox if booking.attendee_email in " ".join(m.to)]


def test_a_meeting_made_in_time_is_in_the_confirmation_and_sent_once(fake_zoom, book):
    booking = book(at(10))

    (confirmation,) = attendee_emails(booking)
    assert meeting_of(booking).join_url in confirmation.body


def test_a_meeting_made_after_an_outage_is_emailed_to_the_attendee_only(
    fake_zoom, book, django_capture_on_commit_callbacks
):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    (confirmation,) = attendee_emails(booking)
    sent_before = len(mail.outbox)
    fake_zoom.clear_faults()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = sync_meeting(booking.pk, force=True)

    assert outcome.action == Action.CREATED
    join_url = meeting_of(booking).join_url
    assert join_url and join_url not in confirmation.body
    new = mail.outbox[sent_before:]
    assert [m.to for m in new] == [confirmation.to]
    assert new[0].subject.startswith("Your Zoom link")
    assert join_url in new[0].body and meeting_of(booking).passcode in new[0].body


def test_a_cancelled_booking_gets_no_zoom_link_email(
    fake_zoom, book, cancel, django_capture_on_commit_callbacks
):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    cancel(booking)
    sent_before = len(mail.outbox)
    fake_zoom.clear_faults()

    with django_capture_on_commit_callbacks(execute=True):
        sync_meeting(booking.pk, force=True)

    assert not any(m.subject.startswith("Your Zoom link") for m in mail.outbox[sent_before:])


def test_a_meeting_made_late_is_announced_once_committed_as_meeting_ready(
    fake_zoom, book, django_capture_on_commit_callbacks
):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    fake_zoom.clear_faults()
    heard = []

    def listen(sender, **kwargs):
        heard.append((sender, kwargs))

    signals.meeting_ready.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sync_meeting(booking.pk, force=True)
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        signals.meeting_ready.disconnect(listen)

    assert heard == [(Booking, {"signal": signals.meeting_ready, "booking_pk": booking.pk})]


def test_an_inline_sync_that_fails_hands_its_retry_time_to_the_scheduler(fake_zoom, book):
    fake_zoom.set_fault("500")
    booking = book(at(10))
    queued = []

    outcome = sync_inline(booking.pk, lambda pk, when: queued.append((pk, when)))

    assert outcome.action == Action.FAILED
    assert queued == [(booking.pk, outcome.retry_at)]
    assert outcome.retry_at == meeting_of(booking).next_attempt_at
