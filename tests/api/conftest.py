"""Fixtures of the API tests: a fixed clock, API keys, and the seed's product demo."""

import uuid
from datetime import UTC, datetime

import pytest

from tests.api.helpers import post
from wagtail_pmc_booking.api import ratelimit
from wagtail_pmc_booking.models import ApiKey
from wagtail_pmc_booking.models.api_keys import Scope

# A Sunday before the seed's April 2026 week: notice and horizon allow all of it.
NOW = datetime(2026, 4, 5, 0, 0, tzinfo=UTC)
ALL_SCOPES = [scope.value for scope in Scope]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """Slots depend on "now" (notice, horizon); pin it so the seed's dates stay bookable."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Each test counts in its own namespace of the (possibly shared) cache."""
    monkeypatch.setattr(ratelimit, "CACHE_PREFIX", f"pmc-booking-api-test:{uuid.uuid4().hex}")


@pytest.fixture
def make_key(db):
    def make(scopes=ALL_SCOPES, mode="live", name="Test key"):
        return ApiKey.issue(name=name, scopes=scopes, mode=mode)[1]

    return make


@pytest.fixture
def full_key(make_key):
    return make_key()


@pytest.fixture
def reader_key(make_key):
    return make_key([Scope.BOOKINGS_READ])


BOOKING_REQUEST = {
    "meetingType": "product-demo",
    "start": "2026-04-13T11:00:00+05:30",
    "duration": 30,
    "attendee": {"name": "Asha Rao", "email": "asha@example.com", "timezone": "Asia/Kolkata"},
    "notes": "optional",
}


@pytest.fixture
def booked(client, product_demo):
    """The API.md example booking, made through the API: its 201 body."""
    response = post(client, "/v1/bookings", BOOKING_REQUEST)
    assert response.status_code == 201, response.content
    return response.json()
