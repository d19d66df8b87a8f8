"""Rate limits: per client IP on public endpoints, per key with a key; 429 with Retry-After."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from tests.api.helpers import assert_error, get, headers
from wagtail_pmc_booking.api import ratelimit

pytestmark = pytest.mark.django_db

LIST = "/v1/bookings"
TWO_PER_MINUTE = {"API_RATE_LIMIT_PUBLIC": "2/minute", "API_RATE_LIMIT_KEY": "2/minute"}


@pytest.fixture(autouse=True)
def _mid_window():
    """Windows are fixed minutes: a test that straddled a boundary would start a new budget."""
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, 0, 20, tzinfo=dt.UTC), tick=False):
        yield


def slots(client, key=None, **meta):
    params = {"meetingType": "product-demo", "start": "2026-04-13", "end": "2026-04-13"}
    return client.get("/v1/slots", params, **meta, **headers(key))


@override_settings(WAGTAIL_PMC_BOOKING=TWO_PER_MINUTE)
def test_public_requests_over_the_limit_get_429_with_retry_after(client, product_demo):
    assert slots(client).status_code == 200
    assert slots(client).status_code == 200
    response = slots(client)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


@override_settings(WAGTAIL_PMC_BOOKING=TWO_PER_MINUTE)
def test_each_client_ip_has_its_own_budget(client, product_demo):
    slots(client), slots(client)
    assert slots(client, REMOTE_ADDR="10.0.0.2").status_code == 200


@override_settings(WAGTAIL_PMC_BOOKING=TWO_PER_MINUTE)
def test_forwarded_for_is_ignored_unless_proxies_are_trusted(client, product_demo):
    """Otherwise any client could pick a fresh address per request."""
    slots(client), slots(client)
    response = slots(client, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert_error(response, 429, "rate_limited")


@override_settings(WAGTAIL_PMC_BOOKING={**TWO_PER_MINUTE, "API_TRUSTED_PROXY_COUNT": 1})
def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(client, product_demo):
    spoofed_then_seen = "1.2.3.4, 203.0.113.9"
    slots(client, HTTP_X_FORWARDED_FOR=spoofed_then_seen)
    slots(client, HTTP_X_FORWARDED_FOR=spoofed_then_seen)
    assert slots(client, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200
    response = slots(client, HTTP_X_FORWARDED_FOR="5.6.7.8, 203.0.113.9")
    assert_error(response, 429, "rate_limited")


@override_settings(WAGTAIL_PMC_BOOKING=TWO_PER_MINUTE)
def test_keyed_requests_count_per_key_not_per_ip(client, make_key):
    first, second = make_key(), make_key()
    get(client, LIST, first), get(client, LIST, first)
    assert_error(get(client, LIST, first), 429, "rate_limited")
    assert get(client, LIST, second).status_code == 200


@override_settings(WAGTAIL_PMC_BOOKING={**TWO_PER_MINUTE, "API_RATE_LIMIT_KEY": "100/minute"})
def test_a_key_is_not_held_to_the_public_limit(client, product_demo, make_key):
    key = make_key()
    for _ in range(5):
        assert slots(client, key).status_code == 200


@override_settings(WAGTAIL_PMC_BOOKING={"API_RATE_LIMIT_PUBLIC": "1/minute"})
def test_failed_key_checks_count_against_the_client_ip(client):
    """Guessing keys costs the guesser's IP budget."""
    assert_error(get(client, LIST, "pmc_live_guess1"), 401, "unauthorized")
    assert_error(get(client, LIST, "pmc_live_guess2"), 429, "rate_limited")


@override_settings(WAGTAIL_PMC_BOOKING={"API_RATE_LIMIT_PUBLIC": None})
def test_a_limit_of_none_turns_limiting_off(client, product_demo):
    for _ in range(5):
        assert slots(client).status_code == 200


def test_the_window_resets_and_retry_after_counts_down_to_it():
    rate = ratelimit.Rate(1, 60)
    ratelimit.hit("t", rate, now=120.0)
    with pytest.raises(ratelimit.RateLimited) as over:
        ratelimit.hit("t", rate, now=150.5)
    assert over.value.retry_after == 30
    ratelimit.hit("t", rate, now=180.0)


@pytest.mark.parametrize(
    ("text", "rate"),
    [("60/minute", ratelimit.Rate(60, 60)), ("5/s", ratelimit.Rate(5, 1)), ("", None)],
)
def test_rates_are_written_count_per_period(text, rate):
    assert ratelimit.parse_rate(text) == rate


def test_a_malformed_rate_is_a_configuration_error():
    with pytest.raises(ValueError):
        ratelimit.parse_rate("lots/fortnight")


class Recording:
    """The cache, with the names of the calls made on it."""

    def __init__(self, before_add=None):
        self.calls = []
        self.before_add = before_add

    def incr(self, key):
        self.calls.append("incr")
        return cache.incr(key)

    def add(self, key, value, timeout):
        self.calls.append("add")
        if self.before_add:
            self.before_add(key, timeout)
        return cache.add(key, value, timeout)


def test_a_begun_window_costs_one_cache_call_per_request(monkeypatch):
    recording = Recording()
    monkeypatch.setattr(ratelimit, "cache", recording)
    rate = ratelimit.Rate(3, 60)
    for _ in range(3):
        ratelimit.hit("calls", rate, now=120.0)
    assert recording.calls == ["incr", "add", "incr", "incr"]
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("calls", rate, now=130.0)


def test_a_window_another_request_begins_meanwhile_counts_this_one_too(monkeypatch):
    def another_request_first(key, timeout):
        cache.add(key, 1, timeout)

    monkeypatch.setattr(ratelimit, "cache", Recording(before_add=another_request_first))
    rate = ratelimit.Rate(1, 60)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("race", rate, now=120.0)
