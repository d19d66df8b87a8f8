"""API keys: bearer only, looked up by keyed hash, scoped, revocable at once, use recorded."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, get
from wagtail_pmc_booking.api.auth import ApiKeyAuth, find_key
from wagtail_pmc_booking.models import ApiKey
from wagtail_pmc_booking.models.api_keys import Scope

pytestmark = pytest.mark.django_db

LIST = "/v1/bookings"


def test_a_key_with_the_scope_is_accepted(client, reader_key):
    response = get(client, LIST, reader_key)
    assert response.status_code == 200
    assert response.json() == {"results": [], "next": None}


def test_a_missing_key_is_401_with_a_bearer_challenge(client):
    response = client.get(LIST)
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_key_is_401(client):
    assert_error(get(client, LIST, "pmc_live_" + "x" * 40), 401, "unauthorized")


def test_a_key_without_the_pmc_prefix_is_401_without_a_lookup(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert_error(get(client, LIST, "sk_live_whatever"), 401, "unauthorized")


def test_another_authorization_scheme_is_401(client, reader_key):
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {reader_key}")
    assert_error(response, 401, "unauthorized")


def test_a_revoked_key_is_refused_on_the_next_request(client, reader_key):
    assert get(client, LIST, reader_key).status_code == 200
    ApiKey.objects.get().revoke()
    assert_error(get(client, LIST, reader_key), 401, "unauthorized")


def test_a_valid_key_without_the_scope_is_403(client, make_key):
    key = make_key([Scope.ZOOM_WRITE])
    error = assert_error(get(client, LIST, key), 403, "forbidden")
    assert "bookings:read" in error["message"]


def test_a_public_endpoint_still_refuses_a_bad_key(client, product_demo):
    """A key that is sent is checked, even where none is needed: no silent downgrade."""
    response = get(
        client,
        "/v1/slots",
        "pmc_live_bogus",
        meetingType="product-demo",
        start="2026-04-13",
        end="2026-04-13",
    )
    assert_error(response, 401, "unauthorized")


def test_use_is_recorded_once_a_minute_not_on_every_request(
    client, reader_key, frozen_now, monkeypatch
):
    get(client, LIST, reader_key)
    assert ApiKey.objects.get().last_used_at == frozen_now

    later = frozen_now + timedelta(seconds=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    get(client, LIST, reader_key)
    assert ApiKey.objects.get().last_used_at == frozen_now

    much_later = frozen_now + timedelta(minutes=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: much_later)
    get(client, LIST, reader_key)
    assert ApiKey.objects.get().last_used_at == much_later


def test_a_test_key_marks_the_request_for_the_zoom_sandbox(rf, make_key):
    """The Zoom integration reads ``request.pmc_api_key.mode`` to pick the sandbox."""
    key = make_key(mode="test")
    assert key.startswith("pmc_test_")
    request = rf.get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}")
    ApiKeyAuth(Scope.BOOKINGS_READ)(request)
    assert request.pmc_api_key.mode == "test"


def test_keys_are_found_by_hash_only(reader_key):
    key = ApiKey.objects.get()
    assert reader_key not in (key.key_hash, key.display_prefix)
    assert find_key(reader_key) == key
    assert find_key(reader_key + "x") is None


def test_browsers_need_no_csrf_token_because_nothing_rides_on_cookies(product_demo):
    """The booking widget posts from the page; keys and tokens, not sessions, authorize."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/v1/bookings", BOOKING_REQUEST, content_type="application/json")
    assert response.status_code == 201
