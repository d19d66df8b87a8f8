"""Host calendars in the host editor: the secret stays hidden, bad rows are refused."""

from django.test import override_settings
from django.urls import reverse

from tests.admin.helpers import admin_url, formset_data, host_data, post_rejected, post_saved
from wagtail_pmc_booking.models import Host, HostCalendar

SECRET = "app-specific-s3cret"


def calendar_of(host, **fields):
    values = {"name": "Work", "kind": "caldav", "url": "https://dav.example.com/cal/"}
    return HostCalendar.objects.create(
        host=host, username="meera", password=SECRET, **values | fields
    )


def calendar_rows(calendar, **fields):
    row = {
        "id": calendar.pk,
        "name": calendar.name,
        "kind": calendar.kind,
        "url": calendar.url,
        "username": calendar.username,
        "password": "",
        "check_conflicts": calendar.check_conflicts,
        "write_bookings": calendar.write_bookings,
    }
    return formset_data("calendars", [row | fields], initial=1)


def stored_password(calendar):
    return HostCalendar.objects.values_list("password", flat=True).get(pk=calendar.pk)


def test_edit_page_shows_neither_the_password_nor_its_ciphertext(owner_client, owned_host):
    calendar = calendar_of(owned_host)
    ciphertext = HostCalendar._meta.get_field("password").get_prep_value(SECRET)

    html = owner_client.get(admin_url(Host, "edit", owned_host)).content.decode()

    assert 'name="calendars-0-name"' in html
    assert SECRET not in html
    assert ciphertext not in html
    assert calendar.name in html


def test_leaving_the_password_empty_keeps_the_stored_one(owner_client, owned_host):
    calendar = calendar_of(owned_host)
    data = host_data(owned_host) | calendar_rows(calendar, name="Renamed")

    post_saved(owner_client, admin_url(Host, "edit", owned_host), data)

    calendar.refresh_from_db()
    assert (calendar.name, calendar.password) == ("Renamed", SECRET)


def test_adding_bookings_to_an_ics_feed_is_refused(owner_client, owned_host):
    calendar = calendar_of(owned_host, kind="ics")
    data = host_data(owned_host) | calendar_rows(calendar, write_bookings=True)

    response = post_rejected(owner_client, admin_url(Host, "edit", owned_host), data)

    errors = response.context["form"].formsets["calendars"].errors[0]
    assert errors["write_bookings"] == ["Bookings can be added to CalDAV calendars only."]
    assert not HostCalendar.objects.get(pk=calendar.pk).write_bookings


def test_an_ftp_address_is_refused(owner_client, owned_host):
    calendar = calendar_of(owned_host)
    data = host_data(owned_host) | calendar_rows(calendar, url="ftp://example.com/cal.ics")

    response = post_rejected(owner_client, admin_url(Host, "edit", owned_host), data)

    errors = response.context["form"].formsets["calendars"].errors[0]
    assert errors["url"] == ["Only http:// and https:// addresses are read."]
    assert stored_password(calendar) == SECRET


def test_sync_now_refuses_get(owner_client, owned_host):
    calendar = calendar_of(owned_host)

    response = owner_client.get(reverse("wagtail_pmc_booking_calendar_sync", args=[calendar.pk]))

    assert response.status_code == 405


def test_sync_now_refuses_another_hosts_owner(owner_client, other_host):
    calendar = calendar_of(other_host)

    response = owner_client.post(reverse("wagtail_pmc_booking_calendar_sync", args=[calendar.pk]))

    assert response.status_code == 404
    assert HostCalendar.objects.get(pk=calendar.pk).last_synced_at is None


def test_dashboard_lists_only_the_owners_failing_calendars(owner_client, owned_host, other_host):
    calendar_of(owned_host, name="Mine", last_error="401 Unauthorized")
    calendar_of(other_host, name="Theirs", last_error="404 Not Found")

    html = owner_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Calendars that need attention" in html
    assert "401 Unauthorized" in html
    assert "404 Not Found" not in html


@override_settings(WAGTAIL_PMC_BOOKING={"ALLOW_PRIVATE_URLS": False})
def test_a_loopback_address_is_refused_when_private_addresses_are_not_allowed(
    owner_client, owned_host
):
    calendar = calendar_of(owned_host)
    data = host_data(owned_host) | calendar_rows(calendar, url="http://127.0.0.1:1/x.ics")

    response = post_rejected(owner_client, admin_url(Host, "edit", owned_host), data)

    assert response.context["form"].formsets["calendars"].errors[0]["url"]
    assert HostCalendar.objects.get(pk=calendar.pk).url == "https://dav.example.com/cal/"
