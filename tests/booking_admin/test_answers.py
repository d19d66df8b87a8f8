"""Answers, tracking and language in the bookings admin: the inspect page and the export.

The export is of all the bookings listed (any meeting types), so it has one column per
question key of the meeting types among them, headed by the question, then the answers
to questions deleted since as ``key: value; …``, then one column per tracking parameter.
"""

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from tests.booking_admin.conftest import index_url, local
from tests.booking_admin.test_export import export
from tests.booking_admin.test_inspect import page

pytestmark = pytest.mark.django_db


def question(kind, key, label, **value):
    return (kind, {"key": key, "label": label, "required": False, "help_text": "", **value})


DEMO_QUESTIONS = [
    question("short_text", "company", "Company"),
    question("select", "team_size", "Team size", options=["1-10", "11-50"]),
    question("checkbox", "newsletter", "Send me news"),
]
INTERVIEW_QUESTIONS = [
    question("long_text", "portfolio", "Portfolio"),
    question("short_text", "company", "Current employer"),
]
TRACKING = {"utm_source": "newsletter", "gclid": "abc123"}


@pytest.fixture
def asking(demo, interview):
    demo.questions = DEMO_QUESTIONS
    demo.save()
    interview.questions = INTERVIEW_QUESTIONS
    interview.save()
    return demo


@pytest.fixture
def answered(book, asking):
    return book(
        local(3, 10),
        answers={"newsletter": True, "company": "Acme", "team_size": "11-50"},
        tracking=TRACKING,
        language="de",
    )


def test_inspect_shows_answers_by_label_in_the_editor_s_order(admin_client, answered):
    html = page(admin_client, answered)
    section = html.split('id="pmc-answers-heading"')[1].split("</section>")[0]
    labels = ["Company", "Team size", "Send me news"]
    positions = [section.index(f"<dt>{label}</dt>") for label in labels]
    assert positions == sorted(positions)
    for answer in ("<dd>Acme</dd>", "<dd>11-50</dd>", "<dd>Yes</dd>"):
        assert answer in section


def test_an_answer_to_a_deleted_question_is_shown_by_key_after_the_others(
    admin_client, answered, asking
):
    asking.questions = [DEMO_QUESTIONS[2]]
    asking.save()
    section = page(admin_client, answered).split('id="pmc-answers-heading"')[1]
    section = section.split("</section>")[0]
    assert section.index("<dt>Send me news</dt>") < section.index("<dt>company</dt>")
    assert section.index("<dt>company</dt>") < section.index("<dt>team_size</dt>")


def test_inspect_shows_tracking_and_language(admin_client, answered):
    html = page(admin_client, answered)
    tracking = html.split('id="pmc-tracking-heading"')[1].split("</section>")[0]
    assert "<code>utm_source</code></dt>" in tracking and "<dd>newsletter</dd>" in tracking
    assert "<dd>abc123</dd>" in tracking
    assert '<dd lang="de">Deutsch</dd>' in html


def test_inspect_without_answers_says_so_and_has_no_tracking_section(admin_client, booking):
    html = page(admin_client, booking)
    assert "No questions answered." in html
    assert "pmc-tracking-heading" not in html


def test_answers_are_escaped_on_the_inspect_page(admin_client, book, asking):
    booking = book(local(3, 10), answers={"company": "<script>x</script>"})
    html = page(admin_client, booking)
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_export_has_a_column_per_question_key_of_the_exported_types(
    admin_client, book, answered, interview
):
    book(local(4, 10), meeting_type=interview, answers={"portfolio": "https://x.example"})
    headings, *rows = export(admin_client)
    created = headings.index("Attendance")
    # Interview comes before Product Demo (by name); "company" is asked by both: one column.
    assert headings[created + 1 : created + 6] == [
        "Portfolio",
        "Current employer",
        "Team size",
        "Send me news",
        "Other answers",
    ]
    by_id = {row[0]: dict(zip(headings, row, strict=True)) for row in rows}
    demo_row = by_id[answered.public_id]
    assert demo_row["Current employer"] == "Acme"
    assert demo_row["Team size"] == "11-50"
    assert demo_row["Send me news"] == "Yes"
    assert demo_row["Portfolio"] == ""
    assert demo_row["utm_source"] == "newsletter"
    assert demo_row["gclid"] == "abc123"
    assert demo_row["utm_medium"] == ""
    assert demo_row["Attendee language"] == "Deutsch"


def test_export_filtered_to_one_type_has_only_its_questions(admin_client, answered, demo):
    headings = export(admin_client, f"?meeting_type={demo.pk}")[0]
    assert "Portfolio" not in headings
    assert {"Company", "Team size", "Send me news"} <= set(headings)


def test_export_puts_answers_of_deleted_questions_in_other_answers(admin_client, answered, asking):
    asking.questions = [DEMO_QUESTIONS[0]]
    asking.save()
    headings, row = export(admin_client, f"?meeting_type={asking.pk}")
    values = dict(zip(headings, row, strict=True))
    assert values["Company"] == "Acme"
    assert values["Other answers"] == "newsletter: Yes; team_size: 11-50"


def test_export_keeps_answer_and_tracking_text_from_running_as_a_formula(
    admin_client, book, asking
):
    booking = book(
        local(3, 10),
        answers={"company": "=cmd|' /C calc'!A0"},
        tracking={"utm_source": "@SUM(A1)"},
    )
    headings, row = export(admin_client)
    values = dict(zip(headings, row, strict=True))
    assert row[0] == booking.public_id
    assert values["Company"] == "'=cmd|' /C calc'!A0"
    assert values["utm_source"] == "'@SUM(A1)"


def test_xlsx_export_has_the_answer_columns(admin_client, answered):
    response = admin_client.get(index_url("?export=xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings, row = [[cell.value for cell in line] for line in sheet.iter_rows()]
    values = dict(zip(headings, row, strict=True))
    assert values["Company"] == "Acme" and values["Send me news"] == "Yes"
    assert values["utm_source"] == "newsletter"


def count_queries(call):
    """How many queries ``call`` makes (a request resets Django's own query log)."""
    made = []

    def wrapper(execute, sql, params, many, context):
        made.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        call()
    return len(made)


def test_export_queries_do_not_grow_with_the_rows(admin_client, book, asking):
    for day in range(3, 6):
        book(local(day, 10), answers={"company": f"C{day}"})
    three = count_queries(lambda: export(admin_client))
    for day in range(6, 9):
        book(local(day, 10), answers={"company": f"C{day}"})
    assert count_queries(lambda: export(admin_client)) == three
