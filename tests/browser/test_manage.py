"""Changing a booking from the links in the attendee's email, in real Chromium.

Every journey starts where the attendee does: the link read from the sent message,
opened as an absolute URL. Every response the browser gets from the site is recorded
and must be below 400 (the review found every emailed link's form answering 403).
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking

from .helpers import (
    NEW_YORK,
    clock,
    clock_range,
    emailed_link,
    long_date,
    next_monday,
    open_day,
    slots_on,
    times_shown,
)

pytestmark = pytest.mark.browser

DANA = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


@pytest.fixture
def monday_booking(product_demo, mailoutbox):
    """Dana's first Monday slot; the booking email with its links has gone out."""
    start = slots_on(product_demo, next_monday())[0]
    return booking_service.book(product_demo, start=start, duration=30, **DANA).booking


@pytest.fixture
def site_responses(page, live_server):
    """Status of every response from the site itself (pages, API, static files)."""
    seen = []
    origin = urlsplit(live_server.url).netloc
    page.on(
        "response",
        lambda r: (
            seen.append((r.status, r.request.method, r.url))
            if urlsplit(r.url).netloc == origin
            else None
        ),
    )
    return seen


def assert_no_errors(responses):
    failed = [r for r in responses if r[0] >= 400]
    assert not failed, f"the site answered errors: {failed}"


def test_email_reschedule_link_then_cancel_link_then_rebook(
    page, product_demo, monday_booking, mailoutbox, site_responses, shot
):
    # 1. The reschedule link in the booking email opens the month calendar on the booking's day.
    link, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    assert link.startswith("http://") and "/booking/manage/" in link
    page.goto(link)
    old_start = monday_booking.start.astimezone(NEW_YORK)
    current = page.locator(".pmc-card")
    expect(current).to_contain_text("Current booking")
    expect(current).to_contain_text(f"{long_date(old_start.date())}, {clock(old_start)}")
    expect(page.locator(".pmc-day-title")).to_have_text(long_date(old_start.date()))
    expect(page.locator(".pmc-month")).to_have_text(f"{old_start:%B %Y}")
    shot(page, "email-reschedule-link")

    tuesday = next_monday() + timedelta(days=1)
    open_day(page, tuesday)
    new_start = slots_on(product_demo, tuesday)[1]
    assert times_shown(page)[1] == clock(new_start)
    page.locator(".pmc-slots .pmc-time").nth(1).click()
    page.get_by_role("button", name="Move my booking").click()
    expect(page.get_by_role("heading", name="Your booking has been moved")).to_be_focused()
    new_end = new_start + timedelta(minutes=30)
    expect(page.locator(".pmc-details")).to_contain_text(
        f"{long_date(tuesday)}, {clock_range(new_start, new_end)}"
    )
    monday_booking.refresh_from_db()
    assert (monday_booking.start, monday_booking.sequence) == (new_start, 1)
    shot(page, "rescheduled")
    assert_no_errors(site_responses)
    assert page.goto(link).status == 404  # the old link died with the move
    site_responses.clear()

    # 2. The cancel link in the new (rescheduled) email: the booking, a reason, then offers.
    cancel_link, new_token = emailed_link(mailoutbox, "dana@example.com", "cancel")
    assert new_token != token
    page.goto(cancel_link)
    expect(page.get_by_role("heading", name="Cancel your booking")).to_be_visible()
    expect(page.locator(".pmc-card")).to_contain_text(f"{long_date(tuesday)}, {clock(new_start)}")
    page.get_by_label("Reason (optional)").fill("Something came up")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_focused()
    monday_booking.refresh_from_db()
    assert (monday_booking.status, monday_booking.cancel_reason) == (
        "cancelled",
        "Something came up",
    )
    offers = page.get_by_role("link", name=re.compile(r"^Rebook "))
    expect(offers.first).to_be_visible()
    labels = [text.replace("\u202f", " ") for text in offers.all_inner_texts()]
    assert 1 <= len(labels) <= 3
    assert not any(
        clock(new_start) in label and f"{tuesday:%b} {tuesday.day}," in label for label in labels
    )
    shot(page, "cancelled-with-offers")

    # 3. A rebook offer: one confirmation click, then the new booking's page.
    offers.first.click()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("status")).to_contain_text("You are booked")
    rebooked = Booking.objects.confirmed().get()
    assert rebooked.rebooked_from_id == monday_booking.pk
    assert (rebooked.attendee_name, rebooked.attendee_email) == ("Dana Scully", "dana@example.com")
    expect(page.locator(".pmc-details")).to_contain_text(clock(rebooked.start.astimezone(NEW_YORK)))
    shot(page, "rebooked")

    # Going back and posting the offer again answers with the same booking.
    page.go_back()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("status")).to_contain_text("You are booked")
    assert Booking.objects.confirmed().count() == 1
    assert_no_errors(site_responses)


def test_without_javascript_the_emailed_links_still_work(
    browser, live_server, product_demo, monday_booking, mailoutbox, shot
):
    """The server-rendered fallback: real form posts from Chromium must pass CSRF."""
    context = browser.new_context(java_script_enabled=False, timezone_id="America/New_York")
    page = context.new_page()
    statuses = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))
    try:
        link, _ = emailed_link(mailoutbox, "dana@example.com", "reschedule")
        page.goto(link)
        expect(page.get_by_role("heading", name="Reschedule your booking")).to_be_visible()
        page.locator("form button[name=start]").first.click()
        expect(page.get_by_role("status")).to_contain_text("Your booking has been moved")
        shot(page, "no-js-rescheduled")
        monday_booking.refresh_from_db()
        assert monday_booking.sequence == 1

        cancel_link, _ = emailed_link(mailoutbox, "dana@example.com", "cancel")
        page.goto(cancel_link)
        page.get_by_label("Reason (optional)").fill("No JS today")
        page.get_by_role("button", name="Cancel booking").click()
        expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_visible()
        monday_booking.refresh_from_db()
        assert monday_booking.status == "cancelled"
        page.locator("form button[type=submit]").first.click()  # a rebook offer, one click
        expect(page.get_by_role("status")).to_contain_text("You are booked")
        assert Booking.objects.confirmed().get().rebooked_from_id == monday_booking.pk
        shot(page, "no-js-rebooked")
    finally:
        context.close()
    assert not [s for s in statuses if s[0] >= 400], statuses


def test_a_booking_pages_old_manage_link_lands_on_the_one_manage_page(
    page, visit, booking_page, monday_booking, mailoutbox, site_responses, shot
):
    _, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    visit(f"{booking_page.url}confirmed/{token}/")
    assert f"/booking/manage/{token}/" in page.url
    start = monday_booking.start.astimezone(NEW_YORK)
    details = page.locator(".pmc-details")
    expect(details).to_contain_text(f"{long_date(start.date())}, {clock(start)}")
    expect(details).to_contain_text("Asha Rao")
    expect(page.get_by_role("link", name="Cancel")).to_have_attribute(
        "href", re.compile(rf"/booking/manage/{token}/cancel/$")
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert "BEGIN:VCALENDAR" in open(download.value.path()).read()
    shot(page, "confirmation-page")
    assert_no_errors(site_responses)
