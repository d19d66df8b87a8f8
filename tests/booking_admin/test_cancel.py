"""Cancelling from the admin: a confirmation, then ``booking.cancel`` with the admin's name."""

from email.utils import parseaddr

import pytest
from django.core import mail

from tests.booking_admin.conftest import cancel_url, index_url, inspect_url, messages_of
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import BookingBusy, InvalidBookingRequest
from wagtail_pmc_booking.models import Booking


@pytest.fixture
def cancel_as_admin(admin_client, django_capture_on_commit_callbacks):
    """POST the cancel form and run the after-commit work (Zoom, emails) as a commit would."""

    def cancel(booking, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(cancel_url(booking), {"reason": reason})

    return cancel


def status_of(booking):
    return Booking.objects.get(pk=booking.pk).status


def test_cancel_page_asks_for_a_reason_and_changes_nothing(admin_client, booking):
    response = admin_client.get(cancel_url(booking))

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert status_of(booking) == "confirmed"


def test_cancelling_cancels_the_booking_with_the_reason(cancel_as_admin, booking):
    cancel_as_admin(booking, reason="Host is ill")

    cancelled = Booking.objects.get(pk=booking.pk)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Host is ill")


def test_cancelling_records_the_admin_in_the_audit_trail(cancel_as_admin, booking):
    cancel_as_admin(booking, reason="Host is ill")

    event = booking.events.get(kind="cancelled")
    assert (event.actor, event.data["reason"]) == ("admin", "Host is ill")


def test_cancelling_emails_the_attendee_and_the_host(cancel_as_admin, booking):
    cancel_as_admin(booking)

    recipients = sorted(parseaddr(to)[1] for message in mail.outbox for to in message.to)
    assert recipients == ["dana@example.com", booking.host.email]


def test_cancelling_returns_to_the_inspect_page_with_a_success_message(cancel_as_admin, booking):
    response = cancel_as_admin(booking)

    assert response["Location"] == inspect_url(booking)
    assert messages_of(response) == [
        f"Booking {booking.public_id} cancelled. The attendee and the hosts are being emailed."
    ]


def test_cancelling_a_cancelled_booking_says_so_and_changes_nothing(cancel_as_admin, booking):
    booking_service.cancel(booking)

    response = cancel_as_admin(booking, reason="Again")

    assert response["Location"] == inspect_url(booking)
    assert messages_of(response) == [
        f"Booking {booking.public_id} is already cancelled; nothing was changed."
    ]
    assert booking.events.filter(kind="cancelled").count() == 1
    assert mail.outbox == []


def test_cancel_page_of_a_cancelled_booking_sends_back_to_inspect(admin_client, booking):
    booking_service.cancel(booking)

    response = admin_client.get(cancel_url(booking))

    assert response["Location"] == inspect_url(booking)


def test_a_reason_longer_than_allowed_is_refused_with_the_form(cancel_as_admin, booking):
    response = cancel_as_admin(booking, reason="x" * (booking_service.REASON_MAX_LENGTH + 1))

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert status_of(booking) == "confirmed"


def test_a_busy_database_is_explained_on_the_form(cancel_as_admin, booking, monkeypatch):
    def busy(*args, **kwargs):
        raise BookingBusy()

    monkeypatch.setattr(booking_service, "cancel", busy)

    response = cancel_as_admin(booking, reason="Host is ill")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [BookingBusy.default_message]
    assert status_of(booking) == "confirmed"


def test_a_refused_field_is_marked_on_the_form(cancel_as_admin, booking, monkeypatch):
    def refuse(*args, **kwargs):
        raise InvalidBookingRequest(fields={"reason": ["Not that."], "elsewhere": ["Nor this."]})

    monkeypatch.setattr(booking_service, "cancel", refuse)

    form = cancel_as_admin(booking, reason="Host is ill").context["form"]

    assert form.errors == {"reason": ["Not that."], "__all__": ["Nor this."]}
    assert status_of(booking) == "confirmed"


def test_listing_offers_cancel_for_a_confirmed_booking(admin_client, booking):
    html = admin_client.get(index_url()).content.decode()

    assert f'href="{cancel_url(booking)}"' in html
