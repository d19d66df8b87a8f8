"""``questions.py``: the one validator of answers and tracking, URL prefill, and the
editor's rule that a key appears once per meeting type."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamBlockValidationError

from wagtail_pmc_booking import questions
from wagtail_pmc_booking.questions import (
    Question,
    QuestionsBlock,
    clean_answers,
    clean_tracking,
    prefill_from_query,
    questions_of,
    tracking_from_query,
)

COMPANY = Question("short_text", "company", "Company", True, "")
GOALS = Question("long_text", "goals", "Goals", False, "")
BILLING = Question("email", "billing", "Billing email", False, "")
PHONE = Question("phone", "phone", "Phone", False, "")
SIZE = Question("select", "team_size", "Team size", False, "", ("1-10", "11-50"))
TERMS = Question("checkbox", "terms", "I agree", True, "")
NEWS = Question("checkbox", "news", "News", False, "")
ALL = [COMPANY, GOALS, BILLING, PHONE, SIZE, TERMS, NEWS]
GOOD = {"company": "Acme", "terms": True}


def errors_of(answers, asked=ALL, **kwargs):
    cleaned, errors = clean_answers(asked, answers, **kwargs)
    assert not (cleaned and errors)
    return errors


# == clean_answers ==


def test_good_answers_are_cleaned_and_trimmed():
    cleaned, errors = clean_answers(
        ALL,
        {
            "company": "  Acme ",
            "goals": "Line one\nLine two",
            "billing": "ap@acme.example",
            "phone": "+49 (30) 123-4567",
            "team_size": "11-50",
            "terms": True,
            "news": False,
        },
    )
    assert errors == {}
    assert cleaned == {
        "company": "Acme",
        "goals": "Line one\nLine two",
        "billing": "ap@acme.example",
        "phone": "+49 (30) 123-4567",
        "team_size": "11-50",
        "terms": True,
        "news": False,
    }


def test_optional_questions_left_out_or_empty_are_not_stored():
    cleaned, errors = clean_answers(ALL, {**GOOD, "goals": "", "billing": None, "phone": "  "})
    assert errors == {}
    assert cleaned == GOOD


def test_no_answers_at_all_is_fine_when_nothing_is_required():
    assert clean_answers([GOALS, NEWS], None) == ({}, {})
    assert clean_answers([], {}) == ({}, {})


def test_an_unknown_key_is_an_error_named_after_it():
    assert list(errors_of({**GOOD, "colour": "blue"})) == ["answers.colour"]


def test_answers_to_a_type_without_questions_are_all_unknown():
    assert set(errors_of({"a": "x", "b": True}, [])) == {"answers.a", "answers.b"}


@pytest.mark.parametrize("missing", [{}, {"company": ""}, {"company": "   "}, {"company": None}])
def test_a_required_answer_missing_or_blank_is_an_error(missing):
    assert "answers.company" in errors_of({**GOOD, **missing} if missing else {"terms": True})


def test_every_missing_required_answer_is_named_at_once():
    assert set(errors_of({})) == {"answers.company", "answers.terms"}


def test_an_unticked_required_checkbox_is_an_error():
    assert list(errors_of({**GOOD, "terms": False})) == ["answers.terms"]


def test_an_option_not_offered_is_an_error():
    assert list(errors_of({**GOOD, "team_size": "500+"})) == ["answers.team_size"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("company", 42),
        ("company", True),
        ("company", ["Acme"]),
        ("goals", {"text": "x"}),
        ("terms", "true"),
        ("terms", 1),
        ("news", "no"),
        ("news", 0),
        ("team_size", 10),
    ],
)
def test_a_wrong_type_is_an_error(key, value):
    assert f"answers.{key}" in errors_of({**GOOD, key: value})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("company", "x" * (questions.SHORT_TEXT_MAX + 1)),
        ("goals", "x" * (questions.LONG_TEXT_MAX + 1)),
        ("company", "two\nlines"),
        ("billing", "not-an-email"),
        ("phone", "call me maybe"),
        ("phone", "1234"),
        ("phone", "+" + "1" * 21),
    ],
)
def test_malformed_text_is_an_error(key, value):
    assert list(errors_of({**GOOD, key: value})) == [f"answers.{key}"]


def test_answers_that_are_not_an_object_are_one_error():
    assert clean_answers(ALL, ["Acme"]) == (
        {},
        {"answers": ["Give the answers as an object of question keys."]},
    )


def test_a_rebooking_may_leave_a_question_added_since_unanswered():
    assert clean_answers(ALL, {"company": "Acme"}, require=False) == ({"company": "Acme"}, {})
    # Given answers are still checked.
    assert "answers.team_size" in errors_of({"team_size": "9"}, require=False)


def test_errors_mean_nothing_is_returned_to_store():
    cleaned, errors = clean_answers(ALL, {**GOOD, "colour": "blue"})
    assert cleaned == {} and errors


# == clean_tracking ==


def test_tracking_keeps_the_known_keys_trimmed_and_drops_empty_ones():
    cleaned, errors = clean_tracking({"utm_source": " ads ", "gclid": "abc", "fbclid": " "})
    assert (cleaned, errors) == ({"utm_source": "ads", "gclid": "abc"}, {})


def test_no_tracking_is_fine():
    assert clean_tracking(None) == ({}, {})
    assert clean_tracking({}) == ({}, {})


def test_an_unknown_tracking_key_is_an_error():
    cleaned, errors = clean_tracking({"utm_source": "ads", "ref": "partner"})
    assert cleaned == {} and list(errors) == ["tracking.ref"]


@pytest.mark.parametrize("value", [5, True, None, "a\nb", "x" * (questions.TRACKING_MAX + 1)])
def test_a_tracking_value_that_is_not_one_short_line_is_an_error(value):
    assert list(clean_tracking({"utm_medium": value})[1]) == ["tracking.utm_medium"]


def test_tracking_that_is_not_an_object_is_one_error():
    assert list(clean_tracking("utm_source=ads")[1]) == ["tracking"]


def test_every_tracking_key_is_accepted():
    tracking = {key: key.upper() for key in questions.TRACKING_KEYS}
    assert clean_tracking(tracking) == (tracking, {})


def test_tracking_from_a_page_query_drops_bad_values_quietly():
    query = {"utm_source": "ads", "utm_term": "x" * 501, "page": "2", "gclid": ""}
    assert tracking_from_query(query) == {"utm_source": "ads"}


# == prefill_from_query ==


def test_prefill_takes_name_email_and_question_keys():
    query = {"name": "Asha", "email": "asha@example.com", "company": "Acme", "other": "x"}
    assert prefill_from_query(ALL, query) == {
        "name": "Asha",
        "email": "asha@example.com",
        "answers": {"company": "Acme"},
    }


@pytest.mark.parametrize(
    ("raw", "ticked"), [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False)]
)
def test_prefill_ticks_checkboxes_from_yes_words(raw, ticked):
    assert prefill_from_query(ALL, {"news": raw})["answers"] == {"news": ticked}


def test_prefill_ignores_an_option_not_offered():
    assert prefill_from_query(ALL, {"team_size": "500+"}) == {}
    assert prefill_from_query(ALL, {"team_size": "1-10"}) == {"answers": {"team_size": "1-10"}}


def test_prefill_of_nothing_is_empty_and_long_values_are_cut():
    assert prefill_from_query(ALL, {}) == {}
    long = prefill_from_query(ALL, {"name": "x" * 2000})
    assert long == {"name": "x" * questions.SHORT_TEXT_MAX}


# == QuestionsBlock ==


def block_value(*children):
    """A QuestionsBlock value from ``(type, key)`` pairs, as the editor would post it."""
    block = QuestionsBlock()
    raw = []
    for kind, key in children:
        value = {"key": key, "label": key.title(), "required": False, "help_text": ""}
        if kind == "select":
            value["options"] = ["A", "B"]
        raw.append({"type": kind, "value": value})
    return block, block.to_python(raw)


def test_distinct_keys_are_valid_and_read_back_in_order():
    block, value = block_value(("select", "size"), ("short_text", "company"), ("checkbox", "ok"))
    cleaned = block.clean(value)
    assert [q.key for q in questions_of(cleaned)] == ["size", "company", "ok"]
    assert questions_of(cleaned)[0].options == ("A", "B")


def test_a_key_used_twice_is_refused_on_the_second_question():
    block, value = block_value(("short_text", "company"), ("long_text", "company"))
    with pytest.raises(StreamBlockValidationError) as raised:
        block.clean(value)
    assert set(raised.value.block_errors) == {1}


@pytest.mark.parametrize("key", ["name", "email", "utm_source", "gclid"])
def test_a_reserved_key_is_refused(key):
    block, value = block_value(("short_text", key))
    with pytest.raises(StreamBlockValidationError) as raised:
        block.clean(value)
    assert set(raised.value.block_errors) == {0}


@pytest.mark.parametrize("key", ["Company", "1st", "team-size", "a b"])
def test_a_key_that_is_not_lower_case_letters_digits_and_underscores_is_refused(key):
    block, value = block_value(("short_text", key))
    with pytest.raises(ValidationError):
        block.clean(value)
