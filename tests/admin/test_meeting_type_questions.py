"""The meeting type editor: booking questions (a StreamField editors order) and reminders,
posted through the real admin form."""

import pytest

from tests.admin.helpers import (
    admin_url,
    meeting_type_data,
    post_rejected,
    post_saved,
    stream_blocks,
)
from wagtail_pmc_booking.models import MeetingType
from wagtail_pmc_booking.questions import Question

pytestmark = pytest.mark.django_db

COMPANY = ("short_text", {"key": "company", "label": "Company", "required": True, "help_text": ""})
SIZE = (
    "select",
    {
        "key": "team_size",
        "label": "Team size",
        "required": False,
        "help_text": "Roughly",
        "options": ["1-10", "11-50"],
    },
)
TERMS = ("checkbox", {"key": "terms", "label": "I agree", "required": True, "help_text": ""})


@pytest.fixture
def edit_url(product_demo):
    return admin_url(MeetingType, "edit", product_demo)


def test_the_editor_shows_questions_and_reminders(admin_client, edit_url):
    html = admin_client.get(edit_url).content.decode()
    for text in ("Booking questions", "Reminders", 'name="reminder_minutes"', "remind_hosts"):
        assert text in html
    assert 'value="1440, 60"' in html


def test_a_superuser_adds_questions_in_the_order_given(admin_client, product_demo, edit_url):
    data = meeting_type_data(product_demo, questions=[SIZE, COMPANY, TERMS])
    post_saved(admin_client, edit_url, data)
    product_demo.refresh_from_db()
    assert product_demo.question_list == [
        Question("select", "team_size", "Team size", False, "Roughly", ("1-10", "11-50")),
        Question("short_text", "company", "Company", True, ""),
        Question("checkbox", "terms", "I agree", True, ""),
    ]


def test_reordering_questions_is_stored(admin_client, product_demo, edit_url):
    post_saved(admin_client, edit_url, meeting_type_data(product_demo, questions=[COMPANY, SIZE]))
    product_demo.refresh_from_db()
    reordered = list(reversed(stream_blocks(product_demo.questions)))
    post_saved(admin_client, edit_url, meeting_type_data(product_demo, questions=reordered))
    product_demo.refresh_from_db()
    assert [q.key for q in product_demo.question_list] == ["team_size", "company"]


@pytest.mark.parametrize(
    "blocks",
    [
        [COMPANY, ("long_text", {**COMPANY[1], "label": "Again"})],
        [("short_text", {**COMPANY[1], "key": "email"})],
        [("short_text", {**COMPANY[1], "key": "utm_source"})],
        [("short_text", {**COMPANY[1], "key": "Company Name"})],
        [("select", {**SIZE[1], "options": []})],
    ],
    ids=["twice", "reserved-email", "reserved-tracking", "not-a-slug", "no-options"],
)
def test_bad_questions_are_refused_and_nothing_stored(admin_client, product_demo, edit_url, blocks):
    response = post_rejected(
        admin_client, edit_url, meeting_type_data(product_demo, questions=blocks)
    )
    assert "questions" in response.context["form"].errors


def test_reminders_and_remind_hosts_are_saved(admin_client, product_demo, edit_url):
    data = meeting_type_data(product_demo, reminder_minutes="2880, 30", remind_hosts=True)
    post_saved(admin_client, edit_url, data)
    product_demo.refresh_from_db()
    assert (product_demo.reminder_minutes, product_demo.remind_hosts) == ([2880, 30], True)


def test_no_reminders_at_all_may_be_chosen(admin_client, product_demo, edit_url):
    post_saved(admin_client, edit_url, meeting_type_data(product_demo, reminder_minutes=""))
    product_demo.refresh_from_db()
    assert product_demo.reminder_minutes == []


def test_reminders_that_are_not_minutes_are_refused(admin_client, product_demo, edit_url):
    data = meeting_type_data(product_demo, reminder_minutes="a day")
    response = post_rejected(admin_client, edit_url, data)
    assert "reminder_minutes" in response.context["form"].errors
