"""/v1/openapi.json describes every outbound webhook, and a real delivery matches it."""

import json

import jsonschema_rs
import pytest

from tests.webhooks.conftest import deliveries
from wagtail_pmc_booking.models.webhooks import WebhookEventType


@pytest.fixture
def document(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def envelope_validator(document):
    """The document itself as the root, so the refs into its components resolve."""
    return jsonschema_rs.validator_for({**document, "$ref": "#/components/schemas/WebhookEvent"})


def test_every_event_type_has_a_webhook_with_its_headers(document):
    assert set(document["webhooks"]) == set(WebhookEventType.values)
    for operation in document["webhooks"].values():
        post = operation["post"]
        headers = {p["name"] for p in post["parameters"] if p["in"] == "header"}
        assert headers == {"X-PMC-Event", "X-PMC-Delivery", "X-PMC-Signature"}
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/WebhookEvent"}


def test_the_envelope_carries_the_api_booking_object(document):
    envelope = document["components"]["schemas"]["WebhookEvent"]
    booking = envelope["properties"]["data"]["properties"]["booking"]
    assert booking == {"$ref": "#/components/schemas/BookingOut"}
    assert "BookingOut" in document["components"]["schemas"]


def test_a_real_delivery_validates_and_a_broken_one_does_not(document, endpoint, book):
    book()
    (row,) = deliveries()
    payload = json.loads(row.payload)
    validator = envelope_validator(document)
    assert validator.is_valid(payload)
    assert not validator.is_valid({**payload, "id": "evt_NOT-OURS"})
    broken = json.loads(row.payload)
    del broken["data"]["booking"]["attendance"]
    assert not validator.is_valid(broken)
