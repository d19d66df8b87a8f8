"""/v1/openapi.json describes the contract: every path, its bodies and its error answers."""

import pytest

from wagtail_pmc_booking import questions
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
    "WebhookEvent",
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


# == Answers, tracking and language ==

EXAMPLE_CREATE_WITH_ANSWERS = {
    **EXAMPLE_CREATE,
    "attendee": {**EXAMPLE_CREATE["attendee"], "language": "de"},
    "answers": {"company": "Acme", "team_size": "11-50", "newsletter": True},
    "tracking": {"utm_source": "newsletter", "utm_campaign": "spring"},
}


def test_the_documented_example_with_answers_validates():
    parsed = schemas.BookingCreateIn.model_validate(EXAMPLE_CREATE_WITH_ANSWERS)
    assert parsed.answers["newsletter"] is True
    assert parsed.attendee.language == "de"


def test_answers_are_an_object_of_text_or_booleans(document):
    answers = document["components"]["schemas"]["BookingCreateIn"]["properties"]["answers"]
    assert answers["type"] == "object"
    kinds = answers["additionalProperties"]["anyOf"]
    assert {kind["type"] for kind in kinds} == {"string", "boolean"}
    assert "answers" not in document["components"]["schemas"]["BookingCreateIn"]["required"]


def test_tracking_takes_exactly_the_tracking_keys(document):
    components = document["components"]["schemas"]
    for schema in (components["BookingCreateIn"], components["BookingOut"]):
        tracking = schema["properties"]["tracking"]
        assert set(tracking["properties"]) == set(questions.TRACKING_KEYS)
        assert tracking["additionalProperties"] is False
    limit = components["BookingCreateIn"]["properties"]["tracking"]["properties"]["gclid"]
    assert limit["maxLength"] == questions.TRACKING_MAX


def test_the_attendee_language_is_optional_in_and_always_out(document):
    components = document["components"]["schemas"]
    assert "language" in components["AttendeeIn"]["properties"]
    assert "language" not in components["AttendeeIn"]["required"]
    assert "language" in components["AttendeeOut"]["required"]


def test_the_booking_object_always_has_answers_and_tracking(document):
    out = document["components"]["schemas"]["BookingOut"]
    assert {"answers", "tracking"} <= set(out["required"])


@pytest.mark.parametrize(
    "changes",
    [
        {"answers": {"company": 7}},
        {"tracking": {"ref": "x"}},
        {"tracking": {"utm_source": "x" * 501}},
        {"attendee": {**EXAMPLE_CREATE["attendee"], "language": "de_DE"}},
    ],
)
def test_what_the_document_refuses_the_server_refuses(client, document, product_demo, changes):
    """Schema-invalid (per the document) answers and tracking never make a booking."""
    body = {**EXAMPLE_CREATE, "host": "asha", **changes}
    response = client.post("/v1/bookings", body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["code"] == "invalid_request"
