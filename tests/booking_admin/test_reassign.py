"""Reassign… on a booking's page: site admins only, free hosts only, then ``booking.reassign``."""

import pytest
from django.urls import reverse

from tests.booking_admin.conftest import assert_denied, inspect_url, local, messages_of
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, OutOfOffice


def reassign_url(booking):
    return reverse("pmc_bookings:reassign", args=[booking.pk])


def host_of(booking):
    return Booking.objects.values_list("host__slug", flat=True).get(pk=booking.pk)


@pytest.fixture
def booking(book):
    """In three days, 14:00 in Kolkata: inside Ravi's Berlin hours in any season."""
    return book(local(3, 14))


@pytest.fixture
def reassign_as(django_capture_on_commit_callbacks):
    def post(client, booking, host):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reassign_url(booking), {"host": host.pk})

    return post


def test_an_admin_sees_reassign_and_the_free_hosts(admin_client, booking, other_host):
    assert reassign_url(booking) in admin_client.get(inspect_url(booking)).content.decode()

    page = admin_client.get(reassign_url(booking)).content.decode()

    assert "Ravi Iyer" in page and 'name="host"' in page
    assert f'value="{booking.host_id}"' not in page  # the current host is not offered


def test_an_admin_reassigns_and_is_told_so(admin_client, booking, other_host, reassign_as):
    response = reassign_as(admin_client, booking, other_host)

    assert response["Location"] == inspect_url(booking)
    assert host_of(booking) == "ravi"
    (message,) = messages_of(response)
    assert message.startswith(f"Booking {booking.public_id} now has Ravi Iyer as its host.")
    assert booking.events.get(kind="reassigned").actor == "admin"


def test_a_host_who_is_not_free_is_not_offered_and_a_forged_post_changes_nothing(
    admin_client, booking, other_host, reassign_as
):
    day = booking.start.astimezone(other_host.zoneinfo).date()
    OutOfOffice.objects.create(host=other_host, start_date=day, end_date=day, reason="Away")

    page = admin_client.get(reassign_url(booking)).content.decode()
    response = reassign_as(admin_client, booking, other_host)

    assert "No other host of this meeting type is free at this time." in page
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert host_of(booking) == "meera"


def test_a_hosts_owner_cannot_reassign(owner_client, booking, other_host, reassign_as):
    assert reassign_url(booking) not in owner_client.get(inspect_url(booking)).content.decode()
    assert_denied(owner_client.get(reassign_url(booking)))
    assert_denied(reassign_as(owner_client, booking, other_host))
    assert host_of(booking) == "meera"


def test_a_viewer_cannot_reassign(viewer_client, booking, other_host, reassign_as):
    assert_denied(reassign_as(viewer_client, booking, other_host))
    assert host_of(booking) == "meera"


def test_a_cancelled_booking_is_not_reassigned(admin_client, booking, other_host, reassign_as):
    booking_service.cancel(booking, actor="admin")

    response = reassign_as(admin_client, booking, other_host)

    assert response["Location"] == inspect_url(booking)
    assert host_of(booking) == "meera"
    assert reassign_url(booking) not in admin_client.get(inspect_url(booking)).content.decode()


def test_a_collective_booking_offers_no_reassign(admin_client, co_hosted):
    page = admin_client.get(reassign_url(co_hosted)).content.decode()
    assert "No other host of this meeting type is free at this time." in page
