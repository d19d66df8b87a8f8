"""/v1/openapi.json describes the contract: every path, its bodies and its error answers."""

import pytest

from wagtail_pmc_booking.api import schemas

pytestmark = pytest.mark.django_db

# the API contract (docs/api.md), the endpoints this package's routers serve.
CONTRACT = {
    "/v1/slots": {"get"},
    "/v1/bookings": {"get", "post"},
    "/v1/bookings/{bookingId}": {"get"},
    "/v1/bookings/{bookingId}/reschedule": {"post"},
    "/v1/bookings/{bookingId}/cancel": {"post"},
    "/v1/integrations/zoom/meetings": {"post"},
    "/v1/integrations/zoom/webhook": {"post"},
}
# Zoom's webhook is verified by signature, reads the raw body and is not rate limited.
RAW_SIGNED = {"/v1/integrations/zoom/webhook"}

# The example bodies of API.md, verbatim.
EXAMPLE_SLOTS = {
    "meetingType": "product-demo",
    "duration": 30,
    "timezone": "America/New_York",
    "slots": {
        "2026-04-13": [{"start": "2026-04-13T09:30:00-04:00", "end": "2026-04-13T10:00:00-04:00"}]
    },
}
EXAMPLE_CREATE = {
    "meetingType": "product-demo",
    "start": "2026-04-13T11:00:00+05:30",
    "duration": 30,
    "attendee": {"name": "Asha Rao", "email": "asha@example.com", "timezone": "Asia/Kolkata"},
    "notes": "optional",
    "host": "optional-host-slug",
}
EXAMPLE_ERROR = {
    "status": "error",
    "error": {"code": "invalid_request", "message": "…", "fields": {"field": ["msg"]}},
}


@pytest.fixture
def document(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_contract_path_is_described_with_its_methods(document):
    for path, methods in CONTRACT.items():
        assert methods <= set(document["paths"].get(path, {})), path


ENVELOPE = {"$ref": "#/components/schemas/ErrorOut"}


def test_every_operation_declares_the_error_envelope_for_its_error_codes(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            expected = {"401", "413"} if path in RAW_SIGNED else {"401", "413", "422", "429"}
            assert expected <= set(errors), (method, path)
            for response in errors.values():
                schema = response["content"]["application/json"]["schema"]
                # The Zoom endpoint's 409 is either "skipped" (seed contract) or the envelope.
                assert ENVELOPE in schema.get("anyOf", [schema]), (method, path)


def test_bodies_and_answers_are_camel_case(document):
    components = document["components"]["schemas"]
    assert "meetingType" in components["BookingCreateIn"]["properties"]
    assert "rescheduleUrl" in components["BookingOut"]["properties"]
    assert "rebookOptions" in components["CancelOut"]["properties"]


def test_public_operations_make_the_key_optional(document):
    security = document["paths"]["/v1/slots"]["get"]["security"]
    assert {} in security and {"ApiKeyAuth": []} in security
    assert document["paths"]["/v1/bookings"]["get"]["security"] == [{"ApiKeyAuth": []}]


def test_the_documented_request_example_validates():
    schemas.BookingCreateIn.model_validate(EXAMPLE_CREATE)


def test_the_documented_slots_example_validates():
    schemas.SlotsOut.model_validate(EXAMPLE_SLOTS)


def test_the_documented_error_envelope_validates():
    schemas.ErrorOut.model_validate(EXAMPLE_ERROR)


def test_the_interactive_docs_render(client):
    response = client.get("/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


# The component names clients generate code from; Python may rename a schema class, the
# document keeps these (``schemas.BookingListPage`` is "BookingPage").
COMPONENTS = {
    "AttendeeIn",
    "AttendeeOut",
    "BookingCreateIn",
    "BookingCreatedOut",
    "BookingListQuery",
    "BookingOut",
    "BookingPage",
    "BookingStatus",
    "CancelIn",
    "CancelOut",
    "ErrorDetail",
    "ErrorOut",
    "HostOut",
    "MeetingOut",
    "RebookOptionOut",
    "RescheduleIn",
    "SlotOut",
    "SlotsOut",
    "SlotsQuery",
    "ZoomMeetingIn",
    "ZoomMeetingOut",
    "ZoomQueuedOut",
    "ZoomSkippedOut",
    "ZoomUrlValidationOut",
    "ZoomWebhookAckOut",
}


def test_component_names_stay_as_clients_know_them(document):
    assert set(document["components"]["schemas"]) == COMPONENTS
    page = document["components"]["schemas"]["BookingPage"]
    assert page["title"] == "BookingPage"
    assert "description" not in page
    listed = document["paths"]["/v1/bookings"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BookingPage"
    }
