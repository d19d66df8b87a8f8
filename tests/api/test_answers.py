"""Answers, tracking and language on ``POST /v1/bookings`` and in the booking object.

The booking service decides what an answer may be (``questions.clean_answers``); these
tests check that every refusal reaches the client as ``fields["answers.<key>"]`` in the
envelope, that nothing is written, and that what was stored comes back only to those
who may see the booking.
"""

import json

import pytest
from django.db import connection

from tests.api.conftest import BOOKING_REQUEST
from tests.api.helpers import assert_error, database_state, get, headers, post
from wagtail_pmc_booking.models import Booking

pytestmark = pytest.mark.django_db

BOOKINGS = "/v1/bookings"
QUESTIONS = [
    ("short_text", {"key": "company", "label": "Company", "required": True, "help_text": ""}),
    ("long_text", {"key": "goals", "label": "Goals", "required": False, "help_text": ""}),
    ("email", {"key": "billing", "label": "Billing email", "required": False, "help_text": ""}),
    ("phone", {"key": "phone", "label": "Phone", "required": False, "help_text": ""}),
    (
        "select",
        {
            "key": "team_size",
            "label": "Team size",
            "required": False,
            "help_text": "",
            "options": ["1-10", "11-50", "51+"],
        },
    ),
    ("checkbox", {"key": "terms", "label": "I agree", "required": True, "help_text": ""}),
]
ANSWERS = {"company": "Acme", "team_size": "11-50", "terms": True}
TRACKING = {"utm_source": "newsletter", "utm_campaign": "spring", "gclid": "abc123"}


@pytest.fixture
def asking(product_demo):
    """The product demo, asking the questions above."""
    product_demo.questions = QUESTIONS
    product_demo.save()
    return product_demo


def body(**changes):
    return {**BOOKING_REQUEST, "answers": ANSWERS, **changes}


def refused(client, request_body, field, status=400):
    """``request_body`` is refused naming ``field``, and nothing is written."""
    before = database_state()
    error = assert_error(post(client, BOOKINGS, request_body), status, "invalid_request")
    assert field in error["fields"], error
    assert all(message for message in error["fields"][field])
    assert database_state() == before
    return error


# == Happy path ==


def test_answers_and_tracking_are_stored_and_answered(client, asking):
    response = post(client, BOOKINGS, body(tracking=TRACKING))
    assert response.status_code == 201, response.content
    booked = response.json()
    assert booked["answers"] == ANSWERS
    assert booked["tracking"] == TRACKING
    stored = Booking.objects.get()
    assert stored.answers == ANSWERS
    assert stored.tracking == TRACKING


def test_text_answers_are_trimmed_and_empty_optional_ones_left_out(client, asking):
    answers = {**ANSWERS, "company": "  Acme  ", "goals": "", "phone": "+49 30 1234567"}
    response = post(client, BOOKINGS, body(answers=answers))
    assert response.status_code == 201, response.content
    assert response.json()["answers"] == {**ANSWERS, "phone": "+49 30 1234567"}


def test_the_answers_come_back_to_key_holders_and_the_attendee_token(client, asking, reader_key):
    booked = post(client, BOOKINGS, body(tracking=TRACKING)).json()
    by_key = get(client, f"{BOOKINGS}/{booked['bookingId']}", reader_key).json()
    by_token = get(client, f"{BOOKINGS}/{booked['bookingId']}", token=booked["manageToken"])
    assert by_key["answers"] == by_token.json()["answers"] == ANSWERS
    assert by_key["tracking"] == TRACKING
    listed = get(client, BOOKINGS, reader_key).json()["results"]
    assert listed[0]["answers"] == ANSWERS


def test_a_booking_is_never_shown_without_a_key_or_its_token(client, asking):
    booked = post(client, BOOKINGS, body()).json()
    assert_error(get(client, f"{BOOKINGS}/{booked['bookingId']}"), 401, "unauthorized")
    assert_error(get(client, BOOKINGS), 401, "unauthorized")


def test_slots_never_carry_answers(client, asking):
    post(client, BOOKINGS, body())
    response = get(
        client,
        "/v1/slots",
        meetingType="product-demo",
        start="2026-04-13",
        end="2026-04-13",
        timezone="Asia/Kolkata",
    )
    assert response.status_code == 200
    assert "Acme" not in response.content.decode()


def test_a_reschedule_keeps_the_answers(client, asking, full_key):
    booked = post(client, BOOKINGS, body(tracking=TRACKING)).json()
    moved = post(
        client,
        f"{BOOKINGS}/{booked['bookingId']}/reschedule",
        {"start": "2026-04-13T14:00:00+05:30"},
        full_key,
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["answers"] == ANSWERS
    assert moved.json()["tracking"] == TRACKING


# == Refused answers ==


def test_an_unknown_answer_key_is_refused(client, asking):
    refused(client, body(answers={**ANSWERS, "colour": "blue"}), "answers.colour")


def test_a_missing_required_answer_is_refused(client, asking):
    answers = {key: value for key, value in ANSWERS.items() if key != "company"}
    refused(client, body(answers=answers), "answers.company")


def test_no_answers_at_all_names_every_required_question(client, asking):
    error = refused(client, {**BOOKING_REQUEST}, "answers.company")
    assert "answers.terms" in error["fields"]


def test_an_option_not_offered_is_refused(client, asking):
    refused(client, body(answers={**ANSWERS, "team_size": "500"}), "answers.team_size")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("company", 42),
        ("company", True),
        ("company", ["Acme"]),
        ("terms", "yes"),
        ("terms", 1),
        ("team_size", {"value": "1-10"}),
    ],
)
def test_a_wrong_type_is_refused(client, asking, key, value):
    refused(client, body(answers={**ANSWERS, key: value}), f"answers.{key}")


def test_an_unticked_required_checkbox_is_refused(client, asking):
    refused(client, body(answers={**ANSWERS, "terms": False}), "answers.terms")


@pytest.mark.parametrize(
    ("key", "value"),
    [("billing", "not an email"), ("phone", "call me"), ("company", "two\nlines")],
)
def test_a_malformed_answer_is_refused(client, asking, key, value):
    refused(client, body(answers={**ANSWERS, key: value}), f"answers.{key}")


def test_answer_text_that_could_not_be_stored_is_422(client, asking):
    refused(client, body(answers={**ANSWERS, "goals": "a\x00b"}), "answers.goals", 422)
    refused(client, body(answers={**ANSWERS, "goals": "x" * 5001}), "answers.goals", 422)


def test_answers_that_are_not_an_object_are_422(client, asking):
    refused(client, body(answers=["Acme"]), "answers", 422)


def test_errors_of_answers_and_other_fields_come_together(client, asking):
    request_body = body(answers={"colour": "blue"}, tracking={"ref": "x"})
    request_body["attendee"] = {**BOOKING_REQUEST["attendee"], "language": "xx"}
    error = refused(client, request_body, "answers.colour")
    assert {"answers.company", "answers.terms", "tracking.ref", "attendee.language"} <= set(
        error["fields"]
    )


# == Tracking ==


def test_an_unknown_tracking_key_is_refused(client, asking):
    refused(client, body(tracking={"ref": "partner"}), "tracking.ref")


@pytest.mark.parametrize("value", [5, "x" * 501, True])
def test_a_tracking_value_that_is_not_short_text_is_refused(client, asking, value):
    refused(client, body(tracking={"utm_source": value}), "tracking.utm_source")


def test_a_tracking_value_on_two_lines_is_422(client, asking):
    refused(client, body(tracking={"utm_source": "a\nb"}), "tracking.utm_source", 422)


# == Language ==


def test_the_attendee_language_is_stored_and_answered(client, product_demo):
    attendee = {**BOOKING_REQUEST["attendee"], "language": "de"}
    response = post(client, BOOKINGS, {**BOOKING_REQUEST, "attendee": attendee})
    assert response.status_code == 201, response.content
    assert response.json()["attendee"]["language"] == "de"
    assert Booking.objects.get().language == "de"


def test_a_regional_tag_picks_the_site_language(client, product_demo):
    attendee = {**BOOKING_REQUEST["attendee"], "language": "fr-CA"}
    response = post(client, BOOKINGS, {**BOOKING_REQUEST, "attendee": attendee})
    assert response.json()["attendee"]["language"] == "fr"


def test_without_a_language_the_browser_s_accept_language_is_used(client, product_demo):
    response = client.post(
        BOOKINGS,
        json.dumps(BOOKING_REQUEST),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5",
    )
    assert response.status_code == 201, response.content
    assert response.json()["attendee"]["language"] == "es"


def test_an_accept_language_the_site_does_not_speak_falls_back_to_the_default(client, product_demo):
    response = client.post(
        BOOKINGS,
        json.dumps(BOOKING_REQUEST),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.json()["attendee"]["language"] == "en"


def test_a_language_the_site_does_not_speak_is_refused(client, product_demo):
    attendee = {**BOOKING_REQUEST["attendee"], "language": "ja"}
    error = refused(client, {**BOOKING_REQUEST, "attendee": attendee}, "attendee.language")
    assert "de" in error["fields"]["attendee.language"][0]


@pytest.mark.parametrize("value", ["", "de_DE", "1de", 7])
def test_a_malformed_language_is_422(client, product_demo, value):
    attendee = {**BOOKING_REQUEST["attendee"], "language": value}
    refused(client, {**BOOKING_REQUEST, "attendee": attendee}, "attendee.language", 422)


# == Idempotency ==


def test_the_same_key_with_other_answers_is_another_request(client, asking, full_key):
    extra = {**headers(full_key), "HTTP_IDEMPOTENCY_KEY": "answers-1"}

    def send(request_body):
        return client.post(
            BOOKINGS, json.dumps(request_body), content_type="application/json", **extra
        )

    assert send(body()).status_code == 201
    assert_error(send(body(answers={**ANSWERS, "company": "Other"})), 422, "invalid_request")
    assert_error(send(body(tracking={"utm_source": "ads"})), 422, "invalid_request")
    replayed = send(body())
    assert replayed.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


# == No N+1 ==


def count_queries(call):
    """How many queries ``call`` makes (a request resets Django's own query log)."""
    made = []

    def wrapper(execute, sql, params, many, context):
        made.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        call()
    return len(made)


def test_listing_bookings_with_answers_takes_a_fixed_number_of_queries(client, asking, reader_key):
    def listed(count):
        assert len(get(client, BOOKINGS, reader_key).json()["results"]) == count

    for start in ["2026-04-13T09:00:00+05:30", "2026-04-13T10:00:00+05:30"]:
        post(client, BOOKINGS, body(start=start, tracking=TRACKING))
    listed(2)  # the key's first use of the minute also writes lastUsedAt
    two = count_queries(lambda: listed(2))
    for start in ["2026-04-13T14:00:00+05:30", "2026-04-13T15:00:00+05:30"]:
        post(client, BOOKINGS, body(start=start, tracking=TRACKING))
    assert count_queries(lambda: listed(4)) == two
