"""The "Bookings" menu and the three listings: columns, filters and search."""

import re
from datetime import date

import pytest
import time_machine
from django.test import RequestFactory
from wagtail.admin.menu import admin_menu

from tests import factories
from tests.admin.helpers import admin_url
from wagtail_pmc_booking.models import Host, MeetingType, OutOfOffice


def listed(client, model, query=""):
    response = client.get(admin_url(model, "list") + query)
    assert response.status_code == 200
    return list(response.context["object_list"])


def bookings_submenu_labels(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [
        item for item in admin_menu.menu_items_for_request(request) if item.name == "bookings"
    ]
    assert group.label == "Bookings"
    return [str(item.label) for item in group.menu.menu_items_for_request(request)]


def test_bookings_menu_groups_bookings_types_hosts_out_of_office_and_api_keys(admin_user):
    assert bookings_submenu_labels(admin_user) == [
        "Bookings",
        "Meeting types",
        "Hosts",
        "Out of office",
        "API keys",
        "Webhooks",
        "Webhook deliveries",
    ]


def test_host_owner_menu_leaves_out_meeting_types(owner, owned_host):
    assert bookings_submenu_labels(owner) == ["Bookings", "Hosts", "Out of office"]


def test_host_listing_summarises_weekly_availability_and_lengths(admin_client, owned_host):
    response = admin_client.get(admin_url(Host, "list"))

    html = response.content.decode()
    assert "Mon 09:00–12:30, 14:00–18:00 · Tue 10:00–13:00, 15:00–17:30" in html
    assert "15, 30, 45, 60 min" in html


def test_host_without_windows_is_listed_as_unavailable(admin_client, db):
    factories.make_host(windows={})

    assert "Unavailable" in admin_client.get(admin_url(Host, "list")).content.decode()


def test_host_listing_filters_by_timezone(admin_client, owned_host):
    berlin = factories.make_host(timezone="Europe/Berlin")

    assert listed(admin_client, Host, "?timezone=Europe/Berlin") == [berlin]


def test_host_listing_filters_by_active(admin_client, owned_host):
    factories.make_host(is_active=False)

    assert listed(admin_client, Host, "?is_active=true") == [owned_host]


@pytest.mark.parametrize("query", ["Nair", "corp.example", "mn-42"])
def test_host_listing_searches_name_email_and_slug(admin_client, owned_host, query):
    factories.make_host(name="Someone Else", slug="else", email="else@example.com")
    owned_host.email, owned_host.slug = "m@corp.example", "mn-42"
    owned_host.save()

    assert listed(admin_client, Host, f"?q={query}") == [owned_host]


def test_out_of_office_listing_names_all_hosts_and_whole_days(admin_client, global_out_of_office):
    html = admin_client.get(admin_url(OutOfOffice, "list") + "?when=all").content.decode()

    assert re.search(r"<td[^>]*>\s*Every host\s*</td>", html)
    assert re.search(r"<td[^>]*>\s*Whole day\s*</td>", html)


def test_out_of_office_listing_shows_a_blocked_window_times(admin_client, owned_host):
    listing = admin_client.get(admin_url(OutOfOffice, "list") + "?when=all")
    assert "14:00–18:00" in listing.content.decode()


def test_out_of_office_listing_filters_by_host(admin_client, owned_host, other_host):
    entries = listed(admin_client, OutOfOffice, f"?host={other_host.pk}&when=all")

    assert {entry.host for entry in entries} == {other_host}


def test_out_of_office_listing_filters_company_wide_entries(
    admin_client, owned_host, global_out_of_office
):
    assert listed(admin_client, OutOfOffice, "?host=null") == [global_out_of_office]


def test_out_of_office_listing_filters_by_enabled(admin_client, owned_host):
    disabled = OutOfOffice.objects.create(
        host=owned_host, start_date=date(2026, 6, 1), end_date=date(2026, 6, 1), is_enabled=False
    )

    assert listed(admin_client, OutOfOffice, "?is_enabled=false&when=all") == [disabled]


def test_out_of_office_listing_searches_reason(admin_client, owned_host):
    [entry] = listed(admin_client, OutOfOffice, "?q=travel&when=all")

    assert (entry.reason, entry.start_date) == ("Travel Day", date(2026, 4, 22))


@pytest.fixture
def entries(owned_host, global_out_of_office):
    """The seed host's three April 2026 entries, Christmas 2026 for every host, and one
    disabled in 2027."""
    later = OutOfOffice.objects.create(
        host=owned_host, start_date=date(2027, 1, 4), end_date=date(2027, 1, 8), is_enabled=False
    )
    return list(owned_host.out_of_office.exclude(pk=later.pk)), global_out_of_office, later


@time_machine.travel("2026-12-01 12:00Z", tick=False)
def test_out_of_office_listing_shows_upcoming_entries_soonest_first(admin_client, entries):
    _april, christmas, later = entries
    response = admin_client.get(admin_url(OutOfOffice, "list"))

    assert list(response.context["object_list"]) == [christmas, later]


@time_machine.travel("2026-12-01 12:00Z", tick=False)
def test_out_of_office_listing_shows_past_entries_latest_first(admin_client, entries):
    april, _christmas, _later = entries
    past = listed(admin_client, OutOfOffice, "?when=past")
    ordered = admin_client.get(admin_url(OutOfOffice, "list") + "?when=past")

    assert set(past) == set(april)
    assert [e.start_date for e in ordered.context["object_list"]] == sorted(
        (e.start_date for e in april), reverse=True
    )


@time_machine.travel("2026-12-01 12:00Z", tick=False)
def test_out_of_office_listing_shows_every_entry_on_request(admin_client, entries):
    april, christmas, later = entries
    assert listed(admin_client, OutOfOffice, "?when=all") == [*april, christmas, later]


@time_machine.travel("2026-12-01 12:00Z", tick=False)
def test_out_of_office_status_is_a_badge_not_true(admin_client, entries):
    html = admin_client.get(admin_url(OutOfOffice, "list")).content.decode()

    assert re.search(r'class="[^"]*w-status[^"]*"[^>]*>\s*Enabled\s*<', html)
    assert re.search(r'class="[^"]*w-status[^"]*"[^>]*>\s*Disabled\s*<', html)
    assert ">True<" not in html and ">False<" not in html


def test_meeting_type_listing_counts_hosts_and_shows_lengths(admin_client, owned_host, other_host):
    factories.make_meeting_type(hosts=[owned_host, other_host], durations=[30, 60])

    response = admin_client.get(admin_url(MeetingType, "list"))

    [meeting_type] = response.context["object_list"]
    assert meeting_type.host_count == 2
    assert "30, 60 min" in response.content.decode()


def test_meeting_type_listing_filters_by_assignment(admin_client, owned_host):
    fixed = factories.make_meeting_type(hosts=[owned_host], assignment="fixed")
    factories.make_meeting_type(hosts=[owned_host], assignment="collective")

    assert listed(admin_client, MeetingType, "?assignment=fixed") == [fixed]


def test_meeting_type_listing_searches_name(admin_client, product_demo):
    factories.make_meeting_type(hosts=[], name="Interview")

    assert listed(admin_client, MeetingType, "?q=demo") == [product_demo]


def test_host_editor_reads_like_host_controls(admin_client, owned_host):
    html = admin_client.get(admin_url(Host, "edit", owned_host)).content.decode()

    for heading in (
        "Profile",
        "Day-wise availability",
        "Meeting time preferences",
        "Assignment",
        "Out of office",
    ):
        assert heading in html


def test_the_week_grid_shows_each_day_with_its_windows_or_unavailable(admin_client, owned_host):
    html = admin_client.get(admin_url(Host, "edit", owned_host)).content.decode()

    days = re.findall(
        r'<fieldset class="pmc-week__day" data-pmc-day="(\d)">(.*?)</fieldset>', html, re.S
    )
    assert [day for day, _ in days] == ["0", "1", "2", "3", "4", "5", "6"]
    monday, saturday = days[0][1], days[5][1]
    assert "<legend" in monday and "Monday" in monday
    times = re.findall(
        r'type="time" name="availability_windows-\d+-(?:start|end)_time" value="([\d:]+)"', monday
    )
    assert times == ["09:00", "12:30", "14:00", "18:00"]
    assert re.search(r"data-pmc-unavailable hidden", monday)
    assert re.search(r"data-pmc-unavailable>\s*Unavailable", saturday)
    assert html.count("data-pmc-window>") == 10 + 1  # the seed's ten, and the template's


def test_timezone_is_chosen_from_every_iana_zone_not_typed(admin_client, owned_host):
    html = admin_client.get(admin_url(Host, "edit", owned_host)).content.decode()

    assert re.search(r'<select name="timezone"[^>]*id="id_timezone"', html)
    assert '<option value="Asia/Kolkata" selected>Asia/Kolkata</option>' in html
    assert '<option value="America/Argentina/Buenos_Aires">' in html
    assert 'aria-controls="id_timezone"' in html  # the search box the chooser's script shows


def test_meeting_type_editor_has_a_zoom_section(admin_client, product_demo):
    html = admin_client.get(admin_url(MeetingType, "edit", product_demo)).content.decode()

    assert "Zoom" in html
    assert 'name="zoom_waiting_room"' in html
