"""The OpenAPI document's ``webhooks`` section: what the site POSTs to its endpoints.

OpenAPI 3.1 describes outgoing calls next to ``paths``. Each event names the same
``WebhookEvent`` envelope, whose ``data.booking`` is the ``BookingOut`` component the API
answers with, so the two can never describe different objects. docs/webhooks.md says how
to verify the signature.
"""

from typing import Any

from ..models.webhooks import WebhookEventType

EVENT_ID_PATTERN = "^evt_[a-z2-7]{26}$"
SIGNATURE_PATTERN = "^t=[0-9]+(,v1=[0-9a-f]{64})+$"

ENVELOPE: dict[str, Any] = {
    "title": "WebhookEvent",
    "type": "object",
    "required": ["id", "type", "createdAt", "data"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": EVENT_ID_PATTERN,
            "description": "The event id; the same as X-PMC-Delivery, on every retry.",
        },
        "type": {"type": "string", "enum": list(WebhookEventType.values)},
        "createdAt": {"type": "string", "format": "date-time"},
        "data": {
            "type": "object",
            "required": ["booking", "sequence"],
            "properties": {
                "booking": {"$ref": "#/components/schemas/BookingOut"},
                "sequence": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The booking revision: drop a payload older than one you hold.",
                },
            },
        },
    },
}

HEADERS: list[dict[str, Any]] = [
    {
        "name": "X-PMC-Event",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "enum": list(WebhookEventType.values)},
    },
    {
        "name": "X-PMC-Delivery",
        "in": "header",
        "required": True,
        "description": "The event id, the same on every retry: deduplicate by it.",
        "schema": {"type": "string", "pattern": EVENT_ID_PATTERN},
    },
    {
        "name": "X-PMC-Signature",
        "in": "header",
        "required": True,
        "description": 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, one v1 per '
        "valid secret (two while a rolled secret is still valid).",
        "schema": {"type": "string", "pattern": SIGNATURE_PATTERN},
    },
]


def _operation(event: WebhookEventType) -> dict[str, Any]:
    return {
        "post": {
            "summary": str(event.label),
            "operationId": "webhook_" + event.value.replace(".", "_"),
            "parameters": HEADERS,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/WebhookEvent"}}
                },
            },
            "responses": {
                "2XX": {"description": "Delivered."},
                "default": {
                    "description": "Not delivered: retried with backoff for 24 hours, then failed."
                },
            },
        }
    }


def add_webhooks(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the ``WebhookEvent`` component and one webhook per event type."""
    document.setdefault("components", {}).setdefault("schemas", {})["WebhookEvent"] = ENVELOPE
    document["webhooks"] = {event.value: _operation(event) for event in WebhookEventType}
    return document
