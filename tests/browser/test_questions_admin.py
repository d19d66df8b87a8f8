"""In Chromium: a superuser adds booking questions in the meeting type editor's StreamField,
saves, and reads the answers of a booking on its inspect page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Host, MeetingType

pytestmark = pytest.mark.browser


@pytest.fixture
def superuser(transactional_db):
    return factories.make_user("boss", is_superuser=True)


def first_slot(meeting_type):
    today = timezone.now().date()
    days = availability.list_slots(
        meeting_type, start_date=today, end_date=today + timedelta(days=14), tz="UTC"
    )
    return next(slot.start for slots in days.values() for slot in slots)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=username)).to_be_visible()


def add_question(page, kind, index):
    """Open the StreamField's block menu after the last question and pick ``kind``."""
    page.locator("#panel-questions-section").get_by_role(
        "button", name="Insert a block"
    ).last.click()
    page.get_by_role("option", name=kind).click()
    return page.locator(f"#questions-{index}-value-key")


def test_a_superuser_adds_questions_and_sees_the_answers(
    page,
    live_server,
    home,
    superuser,
    seed_host,
    shot,
):
    demo = factories.make_meeting_type(hosts=[seed_host], name="Product Demo", slug="demo")
    log_in(page, live_server, "boss")
    edit = reverse(MeetingType.snippet_viewset.get_url_name("edit"), args=[demo.pk])
    page.goto(live_server.url + edit)
    expect(page.get_by_role("heading", name="Booking questions")).to_be_visible()

    add_question(page, "Short text", 0)
    page.locator("#questions-0-value-key").fill("company")
    page.locator("#questions-0-value-label").fill("Company")
    page.locator("#questions-0-value-required").check()
    add_question(page, "Checkbox", 1)
    page.locator("#questions-1-value-key").fill("newsletter")
    page.locator("#questions-1-value-label").fill("Send me news")
    page.locator("#id_reminder_minutes").fill("1440, 15")
    page.locator("#panel-questions-section").scroll_into_view_if_needed()
    shot(page, "questions-filled")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text(re.compile("'Product Demo' updated"))).to_be_visible()

    demo.refresh_from_db()
    assert [(q.kind, q.key, q.required) for q in demo.question_list] == [
        ("short_text", "company", True),
        ("checkbox", "newsletter", False),
    ]
    assert demo.reminder_minutes == [1440, 15]

    booking = booking_service.book(
        demo,
        start=first_slot(demo),
        attendee_name="Dana Scully",
        attendee_email="dana@example.com",
        attendee_timezone="UTC",
        answers={"company": "Acme", "newsletter": True},
        tracking={"utm_source": "newsletter"},
    ).booking
    page.goto(live_server.url + reverse("pmc_bookings:inspect", args=[booking.pk]))
    answers = page.locator("section[aria-labelledby='pmc-answers-heading']")
    expect(answers).to_contain_text("Company")
    expect(answers).to_contain_text("Acme")
    expect(answers).to_contain_text("Send me news")
    expect(page.locator("section[aria-labelledby='pmc-tracking-heading']")).to_contain_text(
        "newsletter"
    )
    answers.scroll_into_view_if_needed()
    shot(page, "inspect-answers")


def test_a_host_s_owner_sets_their_language_and_bio(
    page,
    live_server,
    home,
    admin_access_group,
    shot,
):
    owner = factories.make_user("meera", admin_access_group)
    host = factories.make_seed_host(name="Meera Nair", slug="meera", user=owner)
    log_in(page, live_server, "meera")
    page.goto(live_server.url + reverse(Host.snippet_viewset.get_url_name("edit"), args=[host.pk]))
    profile = page.locator("#panel-profile_for_attendees-section")
    expect(profile).to_be_visible()
    profile.get_by_label("Language", exact=True).select_option(label="Deutsch")
    profile.get_by_label("Short bio", exact=True).fill("Leitet unsere Demos.")
    profile.scroll_into_view_if_needed()
    shot(page, "profile-filled")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("'Meera Nair' updated")).to_be_visible()
    host.refresh_from_db()
    assert (host.language, host.bio) == ("de", "Leitet unsere Demos.")
