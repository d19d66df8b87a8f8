"""The attendee's side after booking, from the links in their emails, in real Chromium:
axe on every manage screen in light and dark, "add to calendar" through the redirect,
a German booking's pages in German, and the reminder journey with a reschedule.
"""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, Reminder

from .axe import assert_accessible
from .helpers import (
    NEW_YORK,
    clock,
    emailed_link,
    fill_details,
    long_date,
    next_monday,
    open_day,
    slots_on,
)
from .test_attendee_booking import de, english

pytestmark = pytest.mark.browser

DANA = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


def book_monday(meeting_type, **fields):
    """Dana's first Monday slot, booked the way the widget does; the email has gone out."""
    start = slots_on(meeting_type, next_monday())[0]
    return booking_service.book(meeting_type, start=start, duration=30, **DANA, **fields).booking


@pytest.fixture
def scheme_page(browser, request):
    """``scheme_page("dark")``: a New York en-US tab preferring that color scheme."""
    contexts = []

    def open_page(scheme):
        context = browser.new_context(
            timezone_id="America/New_York",
            locale="en-US",
            color_scheme=scheme,
            viewport={"width": 1100, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# axe -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_manage_screen_from_the_email_passes_axe(
    scheme_page, product_demo, mailoutbox, shot, scheme
):
    page = scheme_page(scheme)
    book_monday(product_demo)

    # The reschedule screen: the month calendar with the current booking, then a new time.
    link, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    page.goto(link)
    expect(page.locator(".pmc-card")).to_contain_text("Current booking")
    expect(page.locator(".pmc-times")).to_be_visible()
    assert_accessible(page)
    shot(page, f"reschedule-{scheme}")
    open_day(page, next_monday() + timedelta(days=1))
    page.locator(".pmc-slots .pmc-time").first.click()
    expect(page.get_by_role("button", name="Move my booking")).to_be_visible()
    assert_accessible(page)
    shot(page, f"reschedule-confirm-{scheme}")

    # The cancel screen, then the cancelled one with its offers to book again.
    cancel_link, _ = emailed_link(mailoutbox, "dana@example.com", "cancel")
    page.goto(cancel_link)
    expect(page.get_by_role("heading", name="Cancel your booking")).to_be_visible()
    assert_accessible(page)
    shot(page, f"cancel-{scheme}")
    page.get_by_label("Reason (optional)").fill("Something came up")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_focused()
    assert_accessible(page)
    shot(page, f"cancelled-{scheme}")

    # A rebook offer's page, then the new booking's page with its calendar links.
    page.get_by_role("link", name=re.compile(r"^Rebook ")).first.click()
    expect(page.get_by_role("button", name="Book this time")).to_be_visible()
    assert_accessible(page)
    shot(page, f"rebook-{scheme}")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("link", name="Add to Google Calendar")).to_be_visible()
    assert_accessible(page)
    shot(page, f"rebooked-{scheme}")

    # A dead link: the friendly page, readable too.
    assert page.goto(link).status == 404
    expect(page.get_by_role("heading", name="This link is not valid any more")).to_be_visible()
    assert_accessible(page)
    shot(page, f"invalid-{scheme}")


# Add to calendar -----------------------------------------------------------------------


def test_add_to_google_calendar_from_the_manage_page_opens_the_event_with_its_links(
    page, context, product_demo, mailoutbox, shot
):
    """The click goes through the site's redirect to Google's template (answered here by
    a stand-in), carrying the title, the UTC times and the current manage links, and no
    Referer: the manage token must not reach the calendar service."""
    booking = book_monday(product_demo)
    seen = []

    def google(route):
        seen.append((route.request.url, route.request.headers.get("referer")))
        route.fulfill(status=200, content_type="text/html", body="<title>Google Calendar</title>")

    context.route("https://calendar.google.com/**", google)
    link, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    page.goto(link.removesuffix("reschedule/"))
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    shot(page, "manage-page-calendar-links")
    add = page.get_by_role("link", name="Add to Google Calendar")
    assert add.get_attribute("href").endswith(f"/manage/{token}/calendar/google/")
    with context.expect_page() as opened:
        add.click()  # a new tab, so the manage page stays open
    expect(opened.value).to_have_title("Google Calendar")

    (url, referer), *_ = seen
    query = parse_qs(urlsplit(url).query)
    assert query["text"] == ["Product Demo with Asha Rao"]
    start, end = booking.start, booking.end
    assert query["dates"] == [f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"]
    assert f"Reschedule: {link}" in query["details"][0]
    assert referer is None


# Language ------------------------------------------------------------------------------


def test_a_german_bookings_email_links_open_german_pages_in_an_english_browser(
    page, product_demo, mailoutbox, shot
):
    booking = book_monday(product_demo, language="de")
    start = booking.start.astimezone(NEW_YORK)

    link, _ = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.locator(".pmc-h")).to_have_text(de("Choose a new time"))
    assert de("Choose a new time") != english("Choose a new time")
    expect(page.locator(".pmc-card")).to_contain_text(de("Current booking"))
    with translation.override("de"):
        long_day = date_format(start.date(), "l, j. F Y")
    expect(page.locator(".pmc-day-title")).to_have_text(long_day)
    assert not re.search(r"AM|PM", page.locator(".pmc-times").inner_text())
    shot(page, "german-reschedule")

    cancel_link, _ = emailed_link(mailoutbox, "dana@example.com", "cancel")
    page.goto(cancel_link)
    expect(page.get_by_role("heading", name=de("Cancel your booking"))).to_be_visible()
    page.get_by_label(de("Reason (optional)")).fill("Termin verschoben")
    shot(page, "german-cancel")
    page.get_by_role("button", name=de("Cancel booking")).click()
    expect(page.get_by_role("heading", name=de("Your booking is cancelled"))).to_be_focused()
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    shot(page, "german-cancelled")

    # The rebook page and the new booking's page are German as well.
    page.locator(".pmc-rebook a").first.click()
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("button", name=de("Book this time")).click()
    expect(page.get_by_role("status")).to_contain_text(
        de("You are booked. We have emailed you the invitation.")
    )
    expect(page.get_by_role("link", name=de("Add to Google Calendar"))).to_be_visible()
    assert Booking.objects.confirmed().get().language == "de"
    shot(page, "german-rebooked")


# Reminders -----------------------------------------------------------------------------


def send_reminders():
    out = StringIO()
    call_command("pmc_send_reminders", stdout=out)
    return out.getvalue()


def reminders_to(outbox, email):
    return [
        m
        for m in outbox
        if any(email in to for to in m.to) and m.subject.lower().startswith("reminder")
    ]


def test_a_reminder_is_sent_once_at_its_time_and_moves_with_a_reschedule(
    page, visit, booking_page, product_demo, mailoutbox, shot
):
    # Booked in the browser, a week or so ahead: a day-before and an hour-before reminder.
    monday = next_monday()
    visit(booking_page)
    open_day(page, monday)
    old_start = slots_on(product_demo, monday)[0]
    page.locator(".pmc-slots .pmc-time").first.click()
    fill_details(page, "Dana Scully", "dana@example.com")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
    booking = Booking.objects.get()
    assert booking.start == old_start
    assert send_reminders().endswith("Reminders: 0 sent, 0 dropped, 0 failed.\n")

    # A day before, one reminder goes out; a second run sends nothing.
    with time_machine.travel(old_start - timedelta(minutes=1440 - 1), tick=True):
        assert "sent booking" in send_reminders()
        assert "Reminders: 0 sent" in send_reminders()
        (reminder,) = reminders_to(mailoutbox, "dana@example.com")
        assert "Your meeting starts in 1 day." in reminder.body
        with translation.override("en"):
            assert date_format(old_start.astimezone(NEW_YORK), "DATE_FORMAT") in reminder.body

        # The reminder's reschedule link, in Chromium: the attendee moves to Tuesday.
        link, _ = emailed_link([reminder], "dana@example.com", "reschedule")
        page.goto(link)
        expect(page.locator(".pmc-card")).to_contain_text(
            f"{long_date(monday)}, {clock(old_start.astimezone(NEW_YORK))}"
        )
        tuesday = monday + timedelta(days=1)
        open_day(page, tuesday)
        new_start = slots_on(product_demo, tuesday)[-1]
        page.locator(".pmc-slots .pmc-time").last.click()
        page.get_by_role("button", name="Move my booking").click()
        expect(page.get_by_role("heading", name="Your booking has been moved")).to_be_focused()
        shot(page, "rescheduled-from-the-reminder")
    booking.refresh_from_db()
    assert (booking.start, booking.sequence) == (new_start, 1)

    # The old time's hour-before reminder is never sent.
    with time_machine.travel(old_start - timedelta(minutes=60 - 1), tick=True):
        assert "Reminders: 0 sent" in send_reminders()
    assert len(reminders_to(mailoutbox, "dana@example.com")) == 1

    # The new time's day-before reminder is sent at its time, once, with the new links.
    with time_machine.travel(new_start - timedelta(minutes=1440 - 1), tick=True):
        assert "Reminders: 1 sent" in send_reminders()
        assert "Reminders: 0 sent" in send_reminders()
    first, second = reminders_to(mailoutbox, "dana@example.com")
    new_link, _ = emailed_link([second], "dana@example.com", "reschedule")
    assert new_link != link
    sent = Reminder.objects.filter(booking=booking, status="sent")
    assert sorted(sent.values_list("sequence", "minutes_before")) == [(0, 1440), (1, 1440)]
