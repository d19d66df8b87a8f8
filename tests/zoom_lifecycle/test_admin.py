"""The Zoom admin: what needs attention, "resync now", and a fresh start link for staff."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from wagtail import hooks

from tests.zoom_lifecycle.conftest import at, meeting_of
from wagtail_pmc_booking.models import ZoomMeeting
from wagtail_pmc_booking.zoom import wagtail_hooks as zoom_hooks
from wagtail_pmc_booking.zoom.views import zoom_meetings_viewset

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")

INDEX = "/admin/pmc-zoom/"


def user(username, *codenames, **fields):
    account = get_user_model().objects.create_user(username=username, password="pw", **fields)
    account.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(codename__in=codenames),
    )
    return account


def test_meetings_that_need_attention_are_listed_with_their_last_error(
    admin_client, fake_zoom, book
):
    fake_zoom.fail_next("500", method="POST")
    failing = book(at(10))
    fine = book(at(11))

    page = admin_client.get(INDEX)

    assert page.status_code == 200
    html = page.content.decode()
    assert failing.public_id in html and "HTTP 500" in html
    assert fine.public_id not in html
    assert "Resync now" in html
    assert fine.public_id in admin_client.get(INDEX + "?state=all").content.decode()


def test_resync_now_makes_the_meeting_at_once(admin_client, fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))

    response = admin_client.post(f"{INDEX}{booking.public_id}/resync/", {"next": INDEX})

    assert response.status_code == 302 and response["Location"] == INDEX
    assert meeting_of(booking).state == "synced"
    assert admin_client.get(f"{INDEX}{booking.public_id}/resync/").status_code == 405


def test_resync_now_needs_the_change_permission(client, fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))
    client.force_login(user("viewer", "view_zoommeeting"))

    assert client.get(INDEX).status_code == 200
    client.post(f"{INDEX}{booking.public_id}/resync/")

    assert meeting_of(booking).state == "pending"


def test_the_list_is_closed_to_users_without_permission(client, db):
    client.force_login(user("editor"))

    response = client.get(INDEX)

    assert response.status_code == 302 and not response["Location"].startswith(INDEX)


def test_staff_get_a_fresh_start_link_that_is_never_stored(admin_client, fake_zoom, book):
    booking = book(at(10))
    before = ZoomMeeting.objects.values().get(booking=booking)

    first = admin_client.get(f"{INDEX}{booking.public_id}/start/")
    second = admin_client.get(f"{INDEX}{booking.public_id}/start/")

    assert first.status_code == 302
    assert first["Location"].startswith("https://zoom.us/s/") and "zak=" in first["Location"]
    assert second["Location"] != first["Location"]  # fetched anew each time
    assert "no-cache" in first["Cache-Control"] or "no-store" in first["Cache-Control"]
    assert ZoomMeeting.objects.values().get(booking=booking) == before


def test_only_staff_may_start_a_meeting(client, fake_zoom, book):
    booking = book(at(10))
    client.force_login(user("host-account", "view_zoommeeting"))

    response = client.get(f"{INDEX}{booking.public_id}/start/")

    assert response.status_code == 302 and "zoom.us" not in response["Location"]
    assert fake_zoom.calls_to("GET", "/meetings/{meetingId}") == []


def test_a_booking_without_a_meeting_has_no_start_link(admin_client, fake_zoom, book):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))

    assert admin_client.get(f"{INDEX}{booking.public_id}/start/").status_code == 404


def test_the_sandbox_backend_is_marked_in_the_list(admin_client, book, db):
    booking = book(at(10))  # tests run on the sandbox backend unless fake_zoom is used

    html = admin_client.get(INDEX + "?state=all").content.decode()

    assert meeting_of(booking).is_sandbox
    assert "sandbox" in html and "not in Zoom" in html


def test_the_viewset_is_registered_with_a_menu_item_shown_by_permission(db):
    assert zoom_hooks.register_zoom_meetings_viewset in hooks.get_hooks("register_admin_viewset")
    item = zoom_meetings_viewset.get_menu_item()
    request = RequestFactory().get("/")
    request.user = user("nobody")
    assert not item.is_shown(request)
    request.user = user("viewer", "view_zoommeeting")
    assert item.is_shown(request)
