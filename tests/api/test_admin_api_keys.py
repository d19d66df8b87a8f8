"""API keys in the Wagtail admin: listed, created with the key shown once, revoked."""

import pytest
from django.urls import reverse

from wagtail_pmc_booking.api.auth import find_key
from wagtail_pmc_booking.models import ApiKey

pytestmark = pytest.mark.django_db


def create(admin_client, **fields):
    data = {"name": "CRM sync", "mode": "live", "scopes": ["bookings:read"], **fields}
    return admin_client.post(reverse("pmc_api_keys:add"), data)


def test_the_list_shows_name_prefix_scopes_and_status(admin_client, make_key):
    make_key(["bookings:read", "zoom:write"], name="Zapier")
    key = ApiKey.objects.get()
    content = admin_client.get(reverse("pmc_api_keys:index")).content.decode()
    assert "Zapier" in content
    assert key.display_prefix in content
    assert "bookings:read, zoom:write" in content
    assert "Active" in content


def test_creating_shows_the_plaintext_key_once(admin_client):
    response = create(admin_client)
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("pmc_live_")
    assert plaintext in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert find_key(plaintext) == ApiKey.objects.get()


def test_the_plaintext_is_never_stored(admin_client):
    plaintext = create(admin_client).context["plaintext"]
    key = ApiKey.objects.get()
    assert plaintext not in (key.key_hash, key.display_prefix, key.name)
    listing = admin_client.get(reverse("pmc_api_keys:index")).content.decode()
    assert plaintext not in listing


def test_the_key_records_who_created_it_and_its_scopes(admin_client, admin_user):
    create(admin_client, scopes=["bookings:read", "bookings:write"])
    key = ApiKey.objects.get()
    assert key.created_by == admin_user
    assert key.scopes == ["bookings:read", "bookings:write"]


def test_a_test_mode_key_gets_the_test_prefix(admin_client):
    plaintext = create(admin_client, mode="test").context["plaintext"]
    assert plaintext.startswith("pmc_test_")


def test_an_unknown_scope_is_refused(admin_client):
    response = create(admin_client, scopes=["everything"])
    assert response.status_code == 200
    assert "scopes" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_stops_the_key(admin_client, make_key):
    plaintext = make_key()
    key = ApiKey.objects.get()
    url = reverse("pmc_api_keys:revoke", args=[key.pk])
    assert admin_client.get(url).status_code == 200
    assert find_key(plaintext) == key

    response = admin_client.post(url)
    assert response.status_code == 302
    assert find_key(plaintext) is None
    assert ApiKey.objects.get().is_revoked


def test_the_list_offers_revoke_for_active_keys_only(admin_client, make_key):
    make_key(name="Old")
    ApiKey.objects.get().revoke()
    make_key(name="New")
    new = ApiKey.objects.get(name="New")
    old = ApiKey.objects.get(name="Old")
    content = admin_client.get(reverse("pmc_api_keys:index")).content.decode()
    assert reverse("pmc_api_keys:revoke", args=[new.pk]) in content
    assert reverse("pmc_api_keys:revoke", args=[old.pk]) not in content


def test_editing_can_only_rename(admin_client, make_key):
    make_key(["bookings:read"], name="Before")
    key = ApiKey.objects.get()
    admin_client.post(
        reverse("pmc_api_keys:edit", args=[key.pk]),
        {"name": "After", "scopes": ["zoom:write"], "mode": "test"},
    )
    key.refresh_from_db()
    assert (key.name, key.scopes, key.mode) == ("After", ["bookings:read"], "live")


def test_users_without_permission_cannot_see_keys(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    client.force_login(user)
    response = client.get(reverse("pmc_api_keys:index"))
    assert response.status_code in (302, 403)
