"""``Idempotency-Key`` on POST /v1/bookings: a retry answers the first booking, never a second."""

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings

from tests.api.conftest import BOOKING_REQUEST, NOW
from tests.api.helpers import assert_error, database_state, headers
from tests.booking.test_concurrency import race
from wagtail_pmc_booking.api import idempotency
from wagtail_pmc_booking.api.tasks import purge_idempotency_keys
from wagtail_pmc_booking.models import Booking
from wagtail_pmc_booking.models.api_keys import IdempotencyKey

pytestmark = pytest.mark.django_db

KEY = "5f0c2a52-3a8e-4d8e-9d5e-3f1f7c1f0a11"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """The API tests' fixed clock, which these tests can also move forward."""
    clock = {"now": NOW}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"])

    def advance(delta):
        clock["now"] += delta

    return advance


def create(client, body=BOOKING_REQUEST, api_key=None, idempotency_key=KEY):
    extra = headers(api_key)
    if idempotency_key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/v1/bookings", data, content_type="application/json", **extra)


def test_the_same_key_and_body_answer_the_first_booking(client, product_demo, full_key):
    first = create(client, api_key=full_key)
    again = create(client, api_key=full_key)
    assert first.status_code == again.status_code == 201
    assert again.json()["bookingId"] == first.json()["bookingId"]
    assert again.json()["manageToken"] == first.json()["manageToken"]
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert idempotency.REPLAYED_HEADER not in first
    assert Booking.objects.count() == 1


def test_the_same_body_written_differently_is_the_same_request(client, product_demo, full_key):
    first = create(client, api_key=full_key).json()
    reordered = {
        **dict(reversed(list(BOOKING_REQUEST.items()))),
        "start": "2026-04-13T05:30:00Z",  # the same instant as 11:00+05:30
    }
    again = create(client, json.dumps(reordered, indent=2), api_key=full_key)
    assert again.status_code == 201
    assert again.json()["bookingId"] == first["bookingId"]


def test_the_same_key_with_another_body_is_refused(client, product_demo, full_key):
    create(client, api_key=full_key)
    before = database_state()
    other = {**BOOKING_REQUEST, "start": "2026-04-13T14:00:00+05:30"}
    error = assert_error(create(client, other, api_key=full_key), 422, "invalid_request")
    assert list(error["fields"]) == [idempotency.HEADER]
    assert database_state() == before


def test_keys_belong_to_the_api_key_that_sent_them(client, product_demo, full_key, make_key):
    create(client, api_key=full_key)
    # Another client's identical request is a request of its own: the slot is taken.
    assert_error(create(client, api_key=make_key()), 409, "slot_unavailable")


def test_a_refused_request_may_be_retried_with_the_same_key(client, product_demo, full_key):
    taken = create(client, api_key=full_key, idempotency_key="first").json()
    assert_error(create(client, api_key=full_key), 409, "slot_unavailable")
    cancel = f"/v1/bookings/{taken['bookingId']}/cancel"
    client.post(cancel, "{}", content_type="application/json", **headers(full_key))
    retried = create(client, api_key=full_key)
    assert retried.status_code == 201
    assert retried.json()["bookingId"] != taken["bookingId"]


def test_anonymous_callers_cannot_send_a_key(client, product_demo):
    before = database_state()
    error = assert_error(create(client), 400, "invalid_request")
    assert list(error["fields"]) == [idempotency.HEADER]
    assert database_state() == before


@pytest.mark.parametrize(
    "value",
    ["x" * 256, "has space", "naïve", "tab\there", ""],
    ids=["too long", "space", "non-ASCII", "control character", "empty"],
)
def test_malformed_keys_are_refused(client, product_demo, full_key, value):
    before = database_state()
    response = create(client, api_key=full_key, idempotency_key=value)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["status"] == "error"
    assert database_state() == before


def test_the_longest_key_is_accepted(client, product_demo, full_key):
    assert create(client, api_key=full_key, idempotency_key="k" * 255).status_code == 201


def test_keys_are_kept_for_the_ttl_then_purged(client, product_demo, full_key, frozen_now):
    create(client, api_key=full_key)
    frozen_now(timedelta(hours=47))
    assert purge_idempotency_keys.call_local() == 0
    assert IdempotencyKey.objects.count() == 1
    frozen_now(timedelta(hours=2))
    assert purge_idempotency_keys.call_local() == 1
    assert not IdempotencyKey.objects.exists()


@override_settings(WAGTAIL_PMC_BOOKING={"IDEMPOTENCY_KEY_TTL_HOURS": 24})
def test_an_expired_key_not_yet_purged_is_a_new_key(client, product_demo, full_key, frozen_now):
    create(client, api_key=full_key)
    frozen_now(timedelta(hours=25))
    other = {**BOOKING_REQUEST, "start": "2026-04-13T14:00:00+05:30"}
    response = create(client, other, api_key=full_key)
    assert response.status_code == 201, response.content
    assert Booking.objects.count() == 2
    assert IdempotencyKey.objects.get().booking.public_id == response.json()["bookingId"]


def test_the_purge_runs_every_hour():
    schedule = purge_idempotency_keys.task_class().validate_datetime
    starts = [NOW.replace(tzinfo=None) + timedelta(minutes=m) for m in range(60)]
    assert sum(bool(schedule(moment)) for moment in starts) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_with_one_key_make_one_booking(product_demo, full_key):
    """The unique constraint decides: the loser rolls back and answers the winner's booking."""
    count = 8
    responses = race(count, lambda i: create(Client(), api_key=full_key))
    assert [r.status_code for r in responses] == [201] * count
    assert len({r.json()["bookingId"] for r in responses}) == 1
    assert Booking.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
