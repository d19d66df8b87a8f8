"""Booking questions: the blocks editors order in a meeting type, and the answers' rules.

One function (``clean_answers``) decides what an answer may be; the booking service, and
through it the API and the widget, all use it, so a rule cannot differ between them.
Tracking parameters (UTM and click ids) are cleaned here too: both arrive with the form.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
EMAIL_MAX = 254
KEY_MAX = 50
# Digits, spaces and the usual separators; 5 to 20 digits in all.
PHONE = re.compile(r"^\+?[0-9 ().\-/]{5,30}$")
TRACKING_KEYS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
    "fbclid",
)
TRACKING_MAX = 500
# Query parameters that prefill the attendee's own fields rather than a question.
PREFILL_KEYS = ("name", "email")


class QuestionBlock(blocks.StructBlock):  # type: ignore[misc]  # wagtail is untyped
    """What every question has; ``key`` names its answer in the API and in exports."""

    key = blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=KEY_MAX,
        label=gettext_lazy("Key"),
        help_text=gettext_lazy(
            "Lower-case letters, digits and _; names the answer in the API, e.g. company."
        ),
        error_messages={
            "invalid": gettext_lazy("Start with a letter; use a-z, 0-9 and _ only."),
        },
    )
    label = blocks.CharBlock(max_length=255, label=gettext_lazy("Question"))
    required = blocks.BooleanBlock(required=False, default=False, label=gettext_lazy("Required"))
    help_text = blocks.CharBlock(required=False, max_length=255, label=gettext_lazy("Help text"))

    class Meta:
        icon = "help"


class SelectQuestionBlock(QuestionBlock):
    options = blocks.ListBlock(
        blocks.CharBlock(max_length=255), min_num=1, label=gettext_lazy("Options")
    )

    class Meta:
        icon = "list-ul"


class QuestionsBlock(blocks.StreamBlock):  # type: ignore[misc]  # wagtail is untyped
    """The question kinds; a key may appear once per meeting type."""

    short_text = QuestionBlock(label=gettext_lazy("Short text"))
    long_text = QuestionBlock(label=gettext_lazy("Long text"), icon="pilcrow")
    email = QuestionBlock(label=gettext_lazy("Email"), icon="mail")
    phone = QuestionBlock(label=gettext_lazy("Phone"), icon="mobile-alt")
    select = SelectQuestionBlock(label=gettext_lazy("Choice"))
    checkbox = QuestionBlock(label=gettext_lazy("Checkbox"), icon="tick-inverse")

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        seen: set[str] = set()
        errors: dict[int, ValidationError] = {}
        for index, child in enumerate(cleaned):
            key = child.value["key"]
            if key in seen or key in PREFILL_KEYS or key in TRACKING_KEYS:
                errors[index] = ValidationError(
                    _("The key “%(key)s” is used twice or is reserved.") % {"key": key}
                )
            seen.add(key)
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return cleaned


@dataclass(frozen=True)
class Question:
    """A question as plain data: what the validator, widget and exports need."""

    kind: str
    key: str
    label: str
    required: bool
    help_text: str
    options: tuple[str, ...] = ()


def questions_of(stream: Iterable[Any]) -> list[Question]:
    """The questions of a meeting type's ``questions`` StreamField, in the editor's order."""
    return [
        Question(
            kind=child.block_type,
            key=child.value["key"],
            label=child.value["label"],
            required=bool(child.value["required"]),
            help_text=child.value.get("help_text") or "",
            options=tuple(child.value.get("options") or ()),
        )
        for child in stream
    ]


def _text(value: object, limit: int, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(_("Answer with text."))
    text = value.strip()
    if len(text) > limit:
        raise ValueError(_("Use at most %(max)s characters.") % {"max": limit})
    if not multiline and ("\n" in text or "\r" in text):
        raise ValueError(_("Use one line."))
    return text


def _clean_one(question: Question, value: object) -> str | bool:
    """The stored answer, or ``ValueError`` with the message the attendee sees."""
    if question.kind == "checkbox":
        if not isinstance(value, bool):
            raise ValueError(_("Answer with true or false."))
        if question.required and not value:
            raise ValueError(_("Please tick this box."))
        return value
    if question.kind == "long_text":
        return _text(value, LONG_TEXT_MAX, multiline=True)
    text = _text(value, EMAIL_MAX if question.kind == "email" else SHORT_TEXT_MAX)
    if not text:
        return text
    if question.kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(_("Enter a valid email address.")) from None
    elif question.kind == "phone":
        if not PHONE.match(text) or not 5 <= sum(ch.isdigit() for ch in text) <= 20:
            raise ValueError(_("Enter a phone number, e.g. +49 30 1234567."))
    elif question.kind == "select" and text not in question.options:
        raise ValueError(_("Choose one of the options offered."))
    return text


def clean_answers(
    questions: list[Question], answers: object, *, require: bool = True
) -> tuple[dict[str, str | bool], dict[str, list[str]]]:
    """The answers to store and the errors by field (``answers.<key>``); one of them empty.

    Unknown keys, missing required answers, options not offered and wrong types are each
    an error; an optional question left out or empty is simply not stored. ``require=False``
    (a rebooking of answers given earlier) lets a question added since stay unanswered.
    """
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        return {}, {"answers": [_("Give the answers as an object of question keys.")]}
    by_key = {question.key: question for question in questions}
    cleaned: dict[str, str | bool] = {}
    errors: dict[str, list[str]] = {}
    for key in answers:
        if key not in by_key:
            errors[f"answers.{key}"] = [_("This meeting type asks no such question.")]
    for question in questions:
        field = f"answers.{question.key}"
        if question.key not in answers or answers[question.key] in (None, ""):
            if question.required and require:
                errors[field] = [_("Please answer this question.")]
            continue
        try:
            value = _clean_one(question, answers[question.key])
        except ValueError as exc:
            errors[field] = [str(exc)]
            continue
        if value == "" and question.required and require:
            errors[field] = [_("Please answer this question.")]
        elif value != "":
            cleaned[question.key] = value
    return ({}, errors) if errors else (cleaned, {})


def clean_tracking(tracking: object) -> tuple[dict[str, str], dict[str, list[str]]]:
    """UTM parameters and click ids to store; other keys are an error, as for answers."""
    if tracking is None:
        return {}, {}
    if not isinstance(tracking, Mapping):
        return {}, {"tracking": [_('Give tracking as an object, e.g. {"utm_source": …}.')]}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in tracking.items():
        field = f"tracking.{key}"
        if key not in TRACKING_KEYS:
            errors[field] = [
                _("Use only %(keys)s.") % {"keys": ", ".join(TRACKING_KEYS)},
            ]
        elif not isinstance(value, str) or len(value) > TRACKING_MAX or "\n" in value:
            errors[field] = [
                _("Use at most %(max)s characters on one line.") % {"max": TRACKING_MAX}
            ]
        elif value.strip():
            cleaned[key] = value.strip()
    return ({}, errors) if errors else (cleaned, {})


def tracking_from_query(query: Mapping[str, str]) -> dict[str, str]:
    """The tracking parameters of a page URL's query, quietly dropping bad values."""
    picked = {key: query[key] for key in TRACKING_KEYS if query.get(key)}
    cleaned, errors = clean_tracking(picked)
    if not errors:
        return cleaned
    return {
        key: value
        for key, value in picked.items()
        if f"tracking.{key}" not in errors and value.strip()
    }


def prefill_from_query(questions: list[Question], query: Mapping[str, str]) -> dict[str, Any]:
    """``?name=&email=&<question key>=`` as the form's initial values (checkboxes from
    ``1``/``true``/``yes``); anything else in the query is ignored."""
    prefill: dict[str, Any] = {
        key: query[key][:SHORT_TEXT_MAX] for key in PREFILL_KEYS if query.get(key)
    }
    answers: dict[str, Any] = {}
    for question in questions:
        raw = query.get(question.key)
        if raw is None:
            continue
        if question.kind == "checkbox":
            answers[question.key] = raw.lower() in ("1", "true", "yes", "on")
        elif question.kind != "select" or raw in question.options:
            answers[question.key] = raw[:LONG_TEXT_MAX]
    if answers:
        prefill["answers"] = answers
    return prefill


def answer_text(value: object) -> str:
    """An answer as people read it: a checkbox is "Yes"/"No" in the active language."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def answer_rows(answers: Mapping[str, Any], asked: list[Question]) -> list[tuple[str, str]]:
    """``(label, answer)`` for hosts and admins: the questions ``asked`` in the editor's
    order, then answers to questions deleted since, by key."""
    answers = answers or {}
    rows = [(q.label, answer_text(answers[q.key])) for q in asked if q.key in answers]
    keys = {q.key for q in asked}
    rows += [(key, answer_text(answers[key])) for key in sorted(answers) if key not in keys]
    return rows


def tracking_rows(tracking: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(parameter, value)`` of stored tracking, in ``TRACKING_KEYS`` order."""
    tracking = tracking or {}
    return [(key, str(tracking[key])) for key in TRACKING_KEYS if key in tracking]
