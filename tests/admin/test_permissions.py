"""Site admins manage every host; a host's owner manages only their own host and periods."""

from datetime import date, time

import pytest
from django.urls import reverse

from tests.admin.helpers import (
    admin_url,
    db_state,
    form_errors,
    host_data,
    out_of_office_data,
    out_of_office_rows,
    post_rejected,
    post_saved,
    window_rows,
)
from wagtail_pmc_booking.hosts_admin.permissions import host_permission_policy
from wagtail_pmc_booking.models import Host, MeetingType, OutOfOffice


def listed(client, model, query=""):
    response = client.get(admin_url(model, "list") + query)
    assert response.status_code == 200
    return set(response.context["object_list"])


def assert_denied(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


# == Hosts ==


def test_owner_sees_only_their_own_host(owner_client, owned_host, other_host):
    assert listed(owner_client, Host) == {owned_host}


def test_superuser_sees_every_host(admin_client, owned_host, other_host):
    assert listed(admin_client, Host) == {owned_host, other_host}


def test_site_admin_by_group_sees_every_host(manager_client, owned_host, other_host):
    assert listed(manager_client, Host) == {owned_host, other_host}


def test_owner_cannot_open_another_hosts_editor(owner_client, other_host):
    assert_denied(owner_client.get(admin_url(Host, "edit", other_host)))


def test_owner_cannot_change_another_host(owner_client, other_host):
    before = db_state()

    response = owner_client.post(
        admin_url(Host, "edit", other_host), host_data(other_host, name="Hijacked", windows=[])
    )

    assert_denied(response)
    assert db_state() == before


def test_owner_cannot_see_another_hosts_history(owner_client, other_host):
    assert_denied(owner_client.get(admin_url(Host, "history", other_host)))


def test_owner_edits_their_own_availability(owner_client, owned_host):
    rows = window_rows(owned_host)
    rows[0].update(start_time=time(8), end_time=time(12))

    post_saved(
        owner_client, admin_url(Host, "edit", owned_host), host_data(owned_host, windows=rows)
    )

    first = owned_host.availability_windows.order_by("weekday", "start_time").first()
    assert (first.start_time, first.end_time) == (time(8), time(12))


def test_owner_adds_out_of_office_from_their_host_editor(owner_client, owned_host):
    rows = [
        *out_of_office_rows(owned_host),
        {"start_date": "2026-07-01", "end_date": "2026-07-03", "reason": "Leave"},
    ]

    post_saved(
        owner_client, admin_url(Host, "edit", owned_host), host_data(owned_host, out_of_office=rows)
    )

    assert owned_host.out_of_office.filter(reason="Leave").exists()


OWNER_EDITABLE = {
    "timezone",
    "durations",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "availability_windows",
    "date_overrides",
    "max_bookings_per_day",
    "max_bookings_per_week",
    "out_of_office",
    "calendars",
    "language",
    "photo",
    "bio",
}
"""What a host's owner may change on their host: hours, date overrides, lengths, buffers,
zone, their own caps, time off, calendars, and how attendees see them and they are written
to (language, photo, bio)."""


def test_owner_editor_offers_only_hours_lengths_buffers_zone_time_off_and_profile(
    owner_client, owned_host
):
    form = owner_client.get(admin_url(Host, "edit", owned_host)).context["form"]

    assert set(form.fields) | set(form.formsets) == OWNER_EDITABLE


def test_owner_editor_shows_name_slug_email_read_only(owner_client, owned_host):
    html = owner_client.get(admin_url(Host, "edit", owned_host)).content.decode()

    read_only = [
        " ".join(part.split("</div>")[0].split())
        for part in html.split('aria-readonly="true">')[1:]
    ]
    assert {owned_host.name, owned_host.slug, owned_host.email} <= set(read_only)
    assert not any(f'name="{field}"' in html for field in ("name", "slug", "email"))


def test_owner_cannot_rename_their_host_by_a_forged_post(owner_client, owned_host):
    before = Host.objects.values("name", "slug", "email").get(pk=owned_host.pk)
    data = host_data(owned_host, name="Hijacked", slug="hijacked", email="evil@example.com")

    post_saved(owner_client, admin_url(Host, "edit", owned_host), data)

    assert Host.objects.values("name", "slug", "email").get(pk=owned_host.pk) == before


def test_site_admin_renames_a_host(manager_client, owned_host):
    data = host_data(owned_host, name="Meera N.", slug="meera-n", email="mn@example.com")

    post_saved(manager_client, admin_url(Host, "edit", owned_host), data)

    owned_host.refresh_from_db()
    assert (owned_host.name, owned_host.slug, owned_host.email) == (
        "Meera N.",
        "meera-n",
        "mn@example.com",
    )


def test_owner_cannot_reassign_owner_activity_or_assignment(
    owner, owner_client, owned_host, other_host
):
    data = host_data(
        owned_host,
        user=other_host.user_id,
        is_active=False,
        priority=0,
        weight=1,
        zoom_user="boss@example.com",
        buffer_before_minutes=5,
    )

    post_saved(owner_client, admin_url(Host, "edit", owned_host), data)

    owned_host.refresh_from_db()
    assert (owned_host.user, owned_host.is_active) == (owner, True)
    assert (owned_host.priority, owned_host.weight, owned_host.buffer_before_minutes) == (3, 100, 5)
    assert owned_host.zoom_user != "boss@example.com"


def test_owner_cannot_create_hosts(owner_client):
    assert_denied(owner_client.get(admin_url(Host, "add")))


def test_owner_cannot_delete_their_host(owner_client, owned_host):
    response = owner_client.post(admin_url(Host, "delete", owned_host))

    assert_denied(response)
    assert Host.objects.filter(pk=owned_host.pk).exists()


def test_admin_user_without_a_host_cannot_open_hosts(hostless_client, owned_host):
    assert_denied(hostless_client.get(admin_url(Host, "list")))


def test_owner_cannot_open_meeting_types(owner_client, product_demo):
    assert_denied(owner_client.get(admin_url(MeetingType, "list")))


# == Out of office ==


def test_owner_sees_only_their_own_out_of_office(
    owner_client, owned_host, other_host, global_out_of_office
):
    assert listed(owner_client, OutOfOffice, "?when=all") == set(owned_host.out_of_office.all())


def test_admin_sees_every_out_of_office_entry(admin_client, owned_host, global_out_of_office):
    assert global_out_of_office in listed(admin_client, OutOfOffice, "?when=all")


def test_owner_cannot_edit_another_hosts_out_of_office(owner_client, other_host):
    entry = other_host.out_of_office.first()
    before = db_state()

    response = owner_client.post(
        admin_url(OutOfOffice, "edit", entry), out_of_office_data(entry, reason="Mine now")
    )

    assert_denied(response)
    assert db_state() == before


def test_owner_cannot_edit_company_wide_out_of_office(owner_client, global_out_of_office):
    assert_denied(owner_client.get(admin_url(OutOfOffice, "edit", global_out_of_office)))


def test_owner_cannot_delete_company_wide_out_of_office(owner_client, global_out_of_office):
    response = owner_client.post(admin_url(OutOfOffice, "delete", global_out_of_office))

    assert_denied(response)
    assert OutOfOffice.objects.filter(pk=global_out_of_office.pk).exists()


def test_owner_edits_their_own_out_of_office(owner_client, owned_host):
    entry = owned_host.out_of_office.get(reason="Travel Day")

    post_saved(
        owner_client,
        admin_url(OutOfOffice, "edit", entry),
        out_of_office_data(entry, end_date=date(2026, 4, 23)),
    )

    entry.refresh_from_db()
    assert entry.end_date == date(2026, 4, 23)


def test_owner_deletes_their_own_out_of_office(owner_client, owned_host):
    entry = owned_host.out_of_office.get(reason="Travel Day")

    response = owner_client.post(admin_url(OutOfOffice, "delete", entry))

    assert response.status_code == 302
    assert not OutOfOffice.objects.filter(pk=entry.pk).exists()


def test_owner_files_out_of_office_for_their_own_host(owner_client, owned_host):
    data = out_of_office_data(host=owned_host.pk, reason="Dentist")

    post_saved(owner_client, admin_url(OutOfOffice, "add"), data)

    assert OutOfOffice.objects.get(reason="Dentist").host == owned_host


def test_owner_cannot_file_out_of_office_for_another_host(owner_client, other_host):
    data = out_of_office_data(host=other_host.pk, reason="Sabotage")

    response = post_rejected(owner_client, admin_url(OutOfOffice, "add"), data)

    assert list(form_errors(response)) == ["host"]


def test_owner_cannot_file_company_wide_out_of_office(owner_client):
    data = out_of_office_data(host="", reason="Everyone off")

    response = post_rejected(owner_client, admin_url(OutOfOffice, "add"), data)

    assert list(form_errors(response)) == ["host"]


def test_owner_host_filter_offers_only_their_host(owner_client, owned_host, other_host):
    response = owner_client.get(admin_url(OutOfOffice, "list"))

    host_filter = response.context["filters"].form.fields["host"]
    assert list(host_filter.queryset) == [owned_host]


# == The policy itself ==


@pytest.mark.parametrize("action,expected", [("change", True), ("delete", False), ("add", False)])
def test_owner_rights_on_their_host(owner, owned_host, action, expected):
    assert host_permission_policy.user_has_permission_for_instance(owner, action, owned_host) is (
        expected
    )


def test_owner_is_among_users_who_may_change_their_host(owner, owned_host, other_host):
    users = host_permission_policy.users_with_permission_for_instance("change", owned_host)

    assert owner in users
    assert other_host.user not in users
