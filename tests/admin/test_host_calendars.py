"""Host calendars in the host editor: the secret stays hidden, bad rows are refused."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.admin.helpers import admin_url, formset_data, host_data, post_rejected, post_saved
from wagtail_pmc_booking.models import BusyTime, Host, HostCalendar

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


GOOGLE = (Path(__file__).parents[1] / "calendars" / "feeds" / "google.ics").read_text()
SYNC_URL = "wagtail_pmc_booking_calendar_sync"


@pytest.fixture
def two_weeks_ahead(settings):
    """The weekly Monday standup of google.ics falls at least twice in the read window."""
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "CALENDAR_LOOKAHEAD_DAYS": 14}


def new_calendar_rows(**fields):
    row = {"name": "Work", "kind": "ics", "url": "", "username": "", "password": ""}
    return formset_data("calendars", [row | {"check_conflicts": True} | fields])


def post_new_calendar(client, host, **fields):
    return client.post(admin_url(Host, "edit", host), host_data(host) | new_calendar_rows(**fields))


def row_errors(response):
    return [str(e) for e in response.context["form"].formsets["calendars"].errors[0]["__all__"]]


def test_a_calendar_that_answers_is_asked_and_saved(owner_client, owned_host, feed_server):
    feed_server.serve("/good.ics", GOOGLE)

    post_saved(
        owner_client,
        admin_url(Host, "edit", owned_host),
        host_data(owned_host) | new_calendar_rows(url=feed_server.url("/good.ics")),
    )

    calendar = HostCalendar.objects.get(host=owned_host)
    assert (calendar.name, calendar.kind) == ("Work", "ics")
    assert [r.path for r in feed_server.requests] == ["/good.ics"]


@pytest.mark.parametrize(("status", "answer"), [(401, "401 Unauthorized"), (404, "404 Not Found")])
def test_a_calendar_that_refuses_is_a_row_error_and_nothing_is_saved(
    owner_client, owned_host, feed_server, status, answer
):
    feed_server.serve("/bad.ics", "no", status=status)

    response = post_new_calendar(owner_client, owned_host, url=feed_server.url("/bad.ics"))

    assert response.status_code == 200
    [error] = row_errors(response)
    assert error.startswith("The calendar answered: ")
    assert answer in error
    assert not HostCalendar.objects.exists()
    assert len(feed_server.requests) == 1


def test_caldav_with_a_wrong_password_is_refused(
    owner_client, owned_host, radicale, radicale_calendar
):
    user, _password = radicale.auth

    response = post_new_calendar(
        owner_client,
        owned_host,
        kind="caldav",
        url=radicale_calendar,
        username=user,
        password="not-the-password",
    )

    assert response.status_code == 200
    [error] = row_errors(response)
    assert "401 Unauthorized" in error
    assert "not-the-password" not in response.content.decode()
    assert not HostCalendar.objects.exists()


def test_caldav_with_the_right_password_is_saved_and_the_password_never_shown(
    owner_client, owned_host, radicale, radicale_calendar
):
    user, password = radicale.auth
    data = host_data(owned_host) | new_calendar_rows(
        kind="caldav", url=radicale_calendar, username=user, password=password
    )

    post_saved(owner_client, admin_url(Host, "edit", owned_host), data)

    calendar = HostCalendar.objects.get(host=owned_host)
    assert (calendar.url, calendar.username, calendar.password) == (
        radicale_calendar,
        user,
        password,
    )
    html = owner_client.get(admin_url(Host, "edit", owned_host)).content.decode()
    assert radicale_calendar in html
    assert password not in html


def test_editing_without_touching_the_connection_does_not_ask_again(
    owner_client, owned_host, feed_server
):
    feed_server.serve("/good.ics", GOOGLE)
    url = admin_url(Host, "edit", owned_host)
    post_saved(
        owner_client,
        url,
        host_data(owned_host) | new_calendar_rows(url=feed_server.url("/good.ics")),
    )
    calendar = HostCalendar.objects.get()
    asked = len(feed_server.requests)

    post_saved(
        owner_client,
        url,
        host_data(owned_host) | calendar_rows(calendar, name="Renamed", check_conflicts=False),
    )

    calendar.refresh_from_db()
    assert (calendar.name, calendar.check_conflicts) == ("Renamed", False)
    assert len(feed_server.requests) == asked == 1


def test_changing_the_address_asks_the_calendar_again(owner_client, owned_host, feed_server):
    feed_server.serve("/good.ics", GOOGLE)
    feed_server.serve("/gone.ics", "no", status=404)
    calendar = HostCalendar.objects.create(
        host=owned_host, name="Work", kind="ics", url=feed_server.url("/good.ics")
    )
    data = host_data(owned_host) | calendar_rows(calendar, url=feed_server.url("/gone.ics"))

    response = post_rejected(owner_client, admin_url(Host, "edit", owned_host), data)

    assert "404 Not Found" in row_errors(response)[0]
    assert [r.path for r in feed_server.requests] == ["/gone.ics"]
    calendar.refresh_from_db()
    assert calendar.url == feed_server.url("/good.ics")


def sync_now(client, calendar):
    return client.post(reverse(SYNC_URL, args=[calendar.pk]), follow=True)


def shown_messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.mark.parametrize("who", ["owner_client", "manager_client"])
def test_sync_now_reads_the_feed_and_says_what_it_found(
    request, who, owned_host, feed_server, two_weeks_ahead
):
    client = request.getfixturevalue(who)
    client.handler.enforce_csrf_checks = True
    feed_server.serve("/good.ics", GOOGLE)
    calendar = HostCalendar.objects.create(
        host=owned_host, name="Work", kind="ics", url=feed_server.url("/good.ics")
    )
    edit = admin_url(Host, "edit", owned_host)
    client.get(edit)  # the editor page sets the CSRF cookie the button's POST carries
    token = client.cookies["csrftoken"].value

    response = client.post(
        reverse(SYNC_URL, args=[calendar.pk]), {"csrfmiddlewaretoken": token}, follow=True
    )

    assert response.redirect_chain == [(edit, 302)]
    busy = BusyTime.objects.filter(calendar=calendar, host=owned_host).count()
    assert busy >= 2
    [(level, text)] = shown_messages(response)
    assert level == "success"
    assert re.fullmatch(rf"Work: read [1-9]\d* events, {busy} busy times", text)
    calendar.refresh_from_db()
    assert calendar.last_synced_at is not None
    assert calendar.last_error == ""


def test_sync_now_without_the_csrf_token_is_refused(owner_client, owned_host, feed_server):
    owner_client.handler.enforce_csrf_checks = True
    feed_server.serve("/good.ics", GOOGLE)
    calendar = HostCalendar.objects.create(
        host=owned_host, name="Work", kind="ics", url=feed_server.url("/good.ics")
    )

    response = owner_client.post(reverse(SYNC_URL, args=[calendar.pk]))

    assert response.status_code == 403
    assert feed_server.requests == []


def test_sync_now_on_a_failing_feed_says_why_and_keeps_the_busy_rows(
    owner_client, owned_host, feed_server, two_weeks_ahead
):
    feed_server.serve("/good.ics", GOOGLE)
    calendar = HostCalendar.objects.create(
        host=owned_host, name="Work", kind="ics", url=feed_server.url("/good.ics")
    )
    sync_now(owner_client, calendar)
    before = sorted(BusyTime.objects.filter(calendar=calendar).values_list("start", "end"))
    calendar.refresh_from_db()
    synced_at = calendar.last_synced_at
    feed_server.serve("/good.ics", "broken", status=500)

    response = sync_now(owner_client, calendar)

    assert response.redirect_chain == [(admin_url(Host, "edit", owned_host), 302)]
    [(level, text)] = shown_messages(response)
    assert level == "error"
    assert text.startswith("Work could not be read: ")
    assert "500" in text
    calendar.refresh_from_db()
    assert "500" in calendar.last_error
    assert calendar.last_synced_at == synced_at
    assert len(before) >= 2
    assert sorted(BusyTime.objects.filter(calendar=calendar).values_list("start", "end")) == before
