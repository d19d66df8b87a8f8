"""Calling the API the way a client does: JSON over HTTP with an optional bearer key."""

import json

from wagtail_pmc_booking.models import Booking, BookingEvent


def headers(key=None):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}


def get(client, path, key=None, **params):
    return client.get(path, params, **headers(key))


def post(client, path, body=None, key=None):
    """``body`` is sent as JSON unless it is already ``str``/``bytes`` (raw, maybe broken)."""
    data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    return client.post(path, data or b"", content_type="application/json", **headers(key))


def assert_error(response, status, code):
    """The contract's envelope: every non-2xx answer has this shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "error"
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def database_state():
    """What a refused request must leave untouched."""
    return (
        list(Booking.objects.order_by("pk").values_list("pk", "status", "start", "sequence")),
        BookingEvent.objects.count(),
    )
