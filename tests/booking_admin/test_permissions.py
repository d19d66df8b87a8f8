"""Site admins see every booking; a host's owner sees and cancels only the ones they host."""

import pytest
from django.contrib.auth.models import Permission
from wagtail import hooks

from tests.booking_admin.conftest import (
    BERLIN,
    assert_denied,
    cancel_url,
    index_url,
    inspect_url,
    listed,
    local,
)
from wagtail_pmc_booking.booking_admin.permissions import booking_permission_policy
from wagtail_pmc_booking.models import Booking


@pytest.fixture
def ravis(book, other_host):
    """A booking of another host than the owner's."""
    return book(local(3, 10, zone=BERLIN), host=other_host)


def status_of(booking):
    return Booking.objects.get(pk=booking.pk).status


def test_owner_lists_only_the_bookings_they_host_or_co_host(
    owner_client, booking, ravis, co_hosted
):
    assert set(listed(owner_client)) == {booking, co_hosted}


def test_superuser_lists_every_booking(admin_client, booking, ravis):
    assert set(listed(admin_client)) == {booking, ravis}


def test_site_admin_by_group_lists_every_booking(manager_client, booking, ravis):
    assert set(listed(manager_client)) == {booking, ravis}


def test_owner_inspects_a_booking_they_co_host(owner_client, co_hosted):
    assert owner_client.get(inspect_url(co_hosted)).status_code == 200


def test_owner_cannot_inspect_another_hosts_booking(owner_client, ravis):
    assert_denied(owner_client.get(inspect_url(ravis)))


def test_owner_cannot_open_the_cancel_page_of_another_hosts_booking(owner_client, ravis):
    assert_denied(owner_client.get(cancel_url(ravis)))


def test_owner_cannot_cancel_another_hosts_booking(owner_client, ravis):
    assert_denied(owner_client.post(cancel_url(ravis), {"reason": "Mine now"}))
    assert status_of(ravis) == "confirmed"


def test_owner_cancels_their_own_booking_under_their_name(owner_client, booking):
    owner_client.post(cancel_url(booking), {"reason": "Clash"})

    assert status_of(booking) == "cancelled"
    assert booking.events.get(kind="cancelled").actor == "meera"


def test_owner_exports_only_their_own_bookings(owner_client, booking, ravis):
    text = b"".join(owner_client.get(index_url("?export=csv")).streaming_content).decode()

    assert booking.public_id in text
    assert ravis.public_id not in text


def test_owner_host_filter_offers_only_their_own_host(owner_client, host, other_host):
    response = owner_client.get(index_url())

    assert list(response.context["filters"].form.fields["host"].queryset) == [host]


def test_admin_user_without_a_host_cannot_open_bookings(hostless_client, booking):
    assert_denied(hostless_client.get(index_url()))


def test_view_only_admin_lists_every_booking(viewer_client, booking, ravis):
    assert set(listed(viewer_client)) == {booking, ravis}


def test_view_only_admin_is_offered_no_cancel(viewer_client, booking):
    html = viewer_client.get(inspect_url(booking)).content.decode()

    assert cancel_url(booking) not in html


def test_view_only_admin_cannot_cancel(viewer_client, booking):
    assert_denied(viewer_client.post(cancel_url(booking)))
    assert status_of(booking) == "confirmed"


@pytest.mark.parametrize("action", ["add", "delete"])
def test_nobody_may_add_or_delete_bookings_in_the_admin(admin_user, booking, action):
    assert not booking_permission_policy.user_has_permission(admin_user, action)
    assert not booking_permission_policy.user_has_permission_for_instance(
        admin_user, action, booking
    )


def test_site_admins_are_granted_view_and_change_of_bookings_only(db):
    registered = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
        if isinstance(permission, Permission) and permission.content_type.model == "booking"
    }

    assert registered == {"view_booking", "change_booking"}
