"""The cache is an optimisation: with Redis unreachable, the API still lists and books.

A real Redis cache backend pointed at a closed port on 127.0.0.1: every cache call
raises the client's ConnectionError, as it does when Redis is down in production.
"""

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import post
from wagtail_pmc_booking.models import Booking

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
SLOTS = {"meetingType": "product-demo", "start": "2026-04-13", "end": "2026-04-13"}


@pytest.fixture
def expected_slots(client, product_demo):
    """What the listing answers while the cache is up."""
    response = client.get("/v1/slots", SLOTS)
    assert response.status_code == 200
    assert response.json()["slots"]
    return response.json()


@pytest.fixture
def cache_down():
    with override_settings(CACHES=REDIS_DOWN):
        with pytest.raises(Exception, match="(?i)connect"):
            cache.get("probe")
        yield


def warnings_from(caplog, logger):
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


def test_slots_are_listed_without_the_cache(client, expected_slots, cache_down, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/v1/slots", SLOTS)
    assert response.status_code == 200
    assert response.json() == expected_slots
    assert warnings_from(caplog, "wagtail_pmc_booking.slot_cache")


def test_rate_limits_fail_open_with_a_warning(client, product_demo, cache_down, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/v1/slots", SLOTS)
    assert response.status_code == 200
    assert warnings_from(caplog, "wagtail_pmc_booking.api.ratelimit")


def test_a_booking_succeeds_without_the_cache(
    client, product_demo, cache_down, caplog, django_capture_on_commit_callbacks
):
    """The write drops the slot-cache stamp during and after commit; neither may fail it."""
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/v1/bookings", BOOKING_REQUEST)
    assert response.status_code == 201, response.content
    assert Booking.objects.filter(public_id=response.json()["bookingId"]).exists()
    assert any("not invalidated" in r.getMessage() for r in caplog.records)
