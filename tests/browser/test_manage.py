"""Changing a booking from the links in the attendee's email: reschedule, cancel, rebook."""

import re
from datetime import timedelta

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
    """Dana's first Monday slot, booked like the widget would; the email has gone out."""
    start = slots_on(product_demo, next_monday())[0]
    return booking_service.book(product_demo, start=start, duration=30, **DANA).booking


def widget_link(booking_page, token, kind):
    """The booking page's own route for a manage token (the widget in that mode)."""
    return f"{booking_page.url}manage/{token}/{kind}/"


def test_reschedule_from_the_emailed_link(
    page, visit, booking_page, product_demo, monday_booking, mailoutbox, shot
):
    old_link, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    visit(widget_link(booking_page, token, "reschedule"))
    current = page.locator(".pmc-card")
    old_start = monday_booking.start.astimezone(NEW_YORK)
    expect(current).to_contain_text("Current booking")
    expect(current).to_contain_text(f"{long_date(old_start.date())}, {clock(old_start)}")
    expect(current).to_contain_text("Asha Rao")
    shot(page, "current-booking")

    tuesday = next_monday() + timedelta(days=1)
    open_day(page, tuesday)
    new_start = slots_on(product_demo, tuesday)[1]
    assert times_shown(page)[1] == clock(new_start)
    page.locator(".pmc-slots .pmc-time").nth(1).click()
    expect(page.get_by_role("heading", name="Confirm the new time")).to_be_focused()
    expect(page.locator(".pmc-card.is-new")).to_contain_text(long_date(tuesday))
    shot(page, "confirm-new-time")
    page.get_by_role("button", name="Move my booking").click()

    expect(page.get_by_role("heading", name="Your booking has been moved")).to_be_focused()
    monday_booking.refresh_from_db()
    assert monday_booking.start == new_start
    assert monday_booking.sequence == 1
    new_end = new_start + timedelta(minutes=30)
    details = page.locator(".pmc-details")
    expect(details).to_contain_text(f"{long_date(tuesday)}, {clock_range(new_start, new_end)}")
    expect(details).to_contain_text(re.compile(r"Join Zoom meeting|on its way"))
    expect(page.locator(".pmc-sr[aria-live]")).to_have_text("Booking rescheduled")
    shot(page, "rescheduled")

    _, new_token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    assert new_token != token
    expect(page.get_by_role("link", name="Reschedule")).to_have_attribute(
        "href", widget_link(booking_page, new_token, "reschedule")
    )
    response = page.goto(old_link)
    assert response.status == 404
    expect(page.get_by_role("heading", name="This link is not valid any more")).to_be_visible()
    assert visit(widget_link(booking_page, token, "reschedule")).status == 404
    shot(page, "old-link")


def test_rescheduling_offers_the_times_next_to_the_current_booking(
    page, visit, booking_page, monday_booking, mailoutbox, shot
):
    _, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    visit(widget_link(booking_page, token, "reschedule"))
    old_start = monday_booking.start.astimezone(NEW_YORK)
    open_day(page, old_start.date())
    # Half an hour later collides with the booking's own buffers: free only for Dana.
    expect(page.locator(".pmc-slots .pmc-time").first).to_be_visible()
    assert clock(old_start + timedelta(minutes=30)) in times_shown(page)
    shot(page, "neighbouring-times")


def test_cancel_with_a_reason_then_rebook_in_one_click(
    page, visit, booking_page, product_demo, monday_booking, mailoutbox, shot
):
    _, token = emailed_link(mailoutbox, "dana@example.com", "cancel")
    visit(widget_link(booking_page, token, "cancel"))
    expect(page.get_by_role("heading", name="Cancel your booking")).to_be_visible()
    old_start = monday_booking.start.astimezone(NEW_YORK)
    expect(page.locator(".pmc-card")).to_contain_text(
        f"{long_date(old_start.date())}, {clock(old_start)}"
    )
    page.get_by_label("Reason (optional)").fill("Something came up")
    shot(page, "cancel-form")
    page.get_by_role("button", name="Cancel booking").click()

    expect(page.get_by_role("heading", name="Your booking is cancelled")).to_be_focused()
    monday_booking.refresh_from_db()
    assert monday_booking.status == "cancelled"
    assert monday_booking.cancel_reason == "Something came up"
    offers = page.get_by_role("button", name=re.compile(r"^Rebook "))
    expect(offers.first).to_be_visible()
    assert 1 <= offers.count() <= 3
    first_offer = offers.first.inner_text()
    shot(page, "cancelled-with-offers")
    offers.first.click()

    expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
    rebooked = Booking.objects.exclude(pk=monday_booking.pk).get()
    assert rebooked.status == "confirmed"
    assert (rebooked.attendee_name, rebooked.attendee_email) == ("Dana Scully", "dana@example.com")
    assert clock(rebooked.start.astimezone(NEW_YORK)) in first_offer.replace("\u202f", " ")
    expect(page.locator(".pmc-details")).to_contain_text(rebooked.host.name)
    shot(page, "rebooked")


def test_the_confirmation_link_shows_the_booking(
    page, visit, booking_page, monday_booking, mailoutbox, shot
):
    _, token = emailed_link(mailoutbox, "dana@example.com", "reschedule")
    visit(f"{booking_page.url}confirmed/{token}/")
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    start = monday_booking.start.astimezone(NEW_YORK)
    details = page.locator(".pmc-details")
    expect(details).to_contain_text(f"{long_date(start.date())}, {clock(start)}")
    expect(details).to_contain_text("Asha Rao")
    expect(page.get_by_role("link", name="Cancel")).to_have_attribute(
        "href", widget_link(booking_page, token, "cancel")
    )
    shot(page, "confirmation-page")
