"""Every non-2xx answer is the contract's envelope, including those ninja and Django make."""

import json
import logging

import pytest
from django.test import Client, override_settings

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, get, post
from wagtail_pmc_booking import exceptions
from wagtail_pmc_booking.api import errors
from wagtail_pmc_booking.api.guards import is_too_large

pytestmark = pytest.mark.django_db


def test_unknown_path_under_v1_is_a_404_envelope(client):
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_a_405_envelope_naming_the_allowed_ones(client):
    response = client.delete("/v1/slots")
    assert_error(response, 405, "invalid_request")
    assert response["Allow"] == "GET"


def test_malformed_json_is_a_400_envelope(client):
    error = assert_error(post(client, "/v1/bookings", "{not json"), 400, "invalid_request")
    assert "JSON" in error["message"]


def test_a_json_array_instead_of_an_object_is_a_400_envelope(client):
    error = assert_error(post(client, "/v1/bookings", "[1, 2]"), 400, "invalid_request")
    assert "object" in error["message"]


def test_validation_errors_name_fields_by_their_camel_case_path(client):
    body = {"meetingType": "x", "start": "2026-04-13T09:00:00Z", "attendee": {"name": "A"}}
    error = assert_error(post(client, "/v1/bookings", body), 422, "invalid_request")
    assert set(error["fields"]) == {"attendee.email", "attendee.timezone"}


@override_settings(WAGTAIL_PMC_BOOKING={"API_MAX_BODY_BYTES": 100})
def test_a_body_over_the_limit_is_refused_with_413_before_parsing(client):
    response = post(client, "/v1/bookings", b"{" + b" " * 200 + b"}")
    assert_error(response, 413, "invalid_request")


def test_the_default_limit_is_64_kib(client):
    body = {"notes": "x" * (64 * 1024)}
    assert_error(post(client, "/v1/bookings", body), 413, "invalid_request")


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(rf):
    """A client announcing a huge body is refused by its Content-Length alone."""
    request = rf.post("/v1/bookings", b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(10 * 1024 * 1024)
    assert is_too_large(request)


def test_an_unexpected_error_is_logged_and_answered_as_a_500_envelope(client, monkeypatch, caplog):
    """A bug is not bad input: the client still gets JSON, the logs get the traceback."""

    def broken(slug):
        raise RuntimeError("boom")

    monkeypatch.setattr("wagtail_pmc_booking.api.lookups.meeting_type", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = get(client, "/v1/slots", meetingType="x", start="2026-04-13", end="2026-04-13")
    assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert any(record.exc_info for record in caplog.records)


DOMAIN_ERRORS = [
    (exceptions.InvalidBookingRequest, 400, "invalid_request"),
    (exceptions.BookingNotFound, 404, "not_found"),
    (exceptions.SlotUnavailable, 409, "slot_unavailable"),
    (exceptions.BookingCancelled, 409, "booking_cancelled"),
    (exceptions.BookingChanged, 409, "booking_changed"),
    (exceptions.TooLate, 409, "too_late"),
    (exceptions.BookingBusy, 503, "busy"),
]


@pytest.mark.parametrize(("error", "status", "code"), DOMAIN_ERRORS)
def test_a_domain_error_answers_the_status_and_code_it_carries(rf, error, status, code):
    response = errors.on_booking_error(rf.get("/v1/slots"), error())
    assert response.status_code == status
    assert json.loads(response.content)["error"]["code"] == code
    assert response.has_header("Retry-After") == (status == 503)


def test_a_domain_error_names_the_request_s_field_paths(rf):
    exc = exceptions.InvalidBookingRequest(fields={"attendee_email": ["Bad."], "host": ["No."]})
    response = errors.on_booking_error(rf.get("/"), exc)
    assert response.status_code == 400
    fields = json.loads(response.content)["error"]["fields"]
    assert fields == {"attendee.email": ["Bad."], "host": ["No."]}


def test_a_busy_database_is_a_503_to_retry_after_a_second(client, product_demo, monkeypatch):
    def busy(*args, **kwargs):
        raise exceptions.BookingBusy()

    monkeypatch.setattr("wagtail_pmc_booking.booking.book", busy)
    response = post(client, "/v1/bookings", BOOKING_REQUEST)
    assert_error(response, 503, "busy")
    assert response["Retry-After"] == "1"


def test_field_paths_drop_the_source_and_the_argument_name():
    assert errors.field_path(("body", "payload", "attendee", "email")) == "attendee.email"
    assert errors.field_path(("body", "payload")) == "body"
    assert errors.field_path(("query", "meetingType")) == "meetingType"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options", "head"])
def test_unknown_paths_answer_the_404_envelope_for_every_method(method):
    """A real client sends no CSRF cookie: the answer is still the API's 404, not Django's 403."""
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/v1/no/such/endpoint", content_type="application/json")
    assert response.status_code == 404
    if method != "head":
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_wrong_method_without_csrf_cookie_is_still_the_405_envelope(method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/v1/bookings", content_type="application/json")
    assert_error(response, 405, "invalid_request")
