"""Booking journeys: an attendee in New York books a host who works in Kolkata."""

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.testapp.models import BlockPage
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.api import presenters
from wagtail_pmc_booking.models import Booking

from .helpers import (
    NEW_YORK,
    clock,
    clock_range,
    day_button,
    fill_details,
    long_date,
    next_monday,
    open_day,
    plain,
    slots_on,
    times_shown,
)

pytestmark = pytest.mark.browser

KOLKATA = ZoneInfo("Asia/Kolkata")
# The zone picker's friendly name: Intl's generic name, offset (a true minus) and city.
EASTERN = re.compile(r"^Eastern Time — GMT−0[45]:00 \(New York\)$")
INDIA = "India Standard Time — GMT+05:30 (Kolkata)"
# Sums the page's cumulative layout shift (Chromium's Layout Instability API).
LAYOUT_SHIFT_OBSERVER = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.layoutShift += entry.value;
    }
}).observe({type: "layout-shift", buffered: true});
"""


def host_slots_in_new_york(meeting_type, day):
    """The host's Kolkata slots around ``day``, rendered in New York, that fall on ``day``."""
    starts = []
    for ist_day in (day - timedelta(days=1), day, day + timedelta(days=1)):
        starts += slots_on(meeting_type, ist_day, zone=KOLKATA)
    return [
        start.astimezone(NEW_YORK)
        for start in sorted(starts)
        if start.astimezone(NEW_YORK).date() == day
    ]


def assert_confirmation(page, booking):
    """The confirmation shows what the API says about the booking: time, host, Zoom."""
    start, end = booking.start.astimezone(NEW_YORK), booking.end.astimezone(NEW_YORK)
    details = page.locator(".pmc-details")
    expect(details).to_contain_text(f"{long_date(start.date())}, {clock_range(start, end)}")
    expect(details).to_contain_text(booking.host.name)
    meeting = presenters.meeting_out(booking)
    assert meeting.status in ("created", "pending"), meeting
    if meeting.meeting_url:
        join = page.get_by_role("link", name="Join Zoom meeting")
        expect(join).to_have_attribute("href", meeting.meeting_url)
        expect(details).to_contain_text(f"Passcode: {meeting.passcode}")
    else:
        expect(details).to_contain_text("Your Zoom link is on its way")


def test_new_york_attendee_sees_kolkata_hours_and_books(
    page, visit, booking_page, product_demo, shot
):
    day = next_monday()
    expected = host_slots_in_new_york(product_demo, day)
    # Kolkata is 9.5–10.5 hours ahead: the host's Monday afternoon is a New York night,
    # and their Tuesday morning is the same New York Monday's evening.
    assert {s.astimezone(KOLKATA).date() for s in expected} == {day, day + timedelta(days=1)}

    visit(booking_page)
    expect(page.get_by_label("Time zone")).to_have_value(EASTERN)
    lengths = page.get_by_role("group", name="Meeting length").get_by_role("button")
    expect(lengths).to_have_text(["15 min", "30 min", "45 min", "60 min"])
    expect(page.get_by_role("button", name="30 min")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="15 min")).to_have_attribute("aria-pressed", "false")
    shot(page, "calendar")
    open_day(page, day)
    assert times_shown(page) == [clock(s) for s in expected]
    shot(page, "times-in-new-york")

    chosen = expected[len(expected) // 2]
    page.locator(".pmc-slots .pmc-time").nth(len(expected) // 2).click()
    fill_details(page, "Dana Scully", "dana@example.com", notes="Interested in the API")
    expect(page.locator(".pmc-card")).to_contain_text(plain(long_date(day)))
    shot(page, "details")
    page.get_by_role("button", name="Schedule meeting").click()

    expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
    booking = Booking.objects.select_related("host", "meeting_type").get()
    assert booking.start == chosen
    assert booking.attendee_timezone == "America/New_York"
    assert booking.notes == "Interested in the API"
    assert_confirmation(page, booking)
    expect(page.get_by_text("See you soon!")).to_be_visible()
    expect(page.locator(".pmc-sr[aria-live]")).to_have_text("Booking confirmed")
    shot(page, "confirmed")

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = Path(download.value.path()).read_bytes().decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{booking.public_id}@" in ics
    assert f"DTSTART:{booking.start:%Y%m%dT%H%M%SZ}" in ics
    assert f"DTEND:{booking.end:%Y%m%dT%H%M%SZ}" in ics
    # The server's invite writer (the emailed invite's ORGANIZER and SEQUENCE), not a copy.
    assert f'ORGANIZER;CN="{booking.host.name}":mailto:{booking.host.email}' in ics.replace(
        "\r\n ", ""
    )
    assert "SEQUENCE:0" in ics


def test_invalid_details_are_explained_next_to_the_fields(page, visit, booking_page, shot):
    visit(booking_page)
    open_day(page, next_monday())
    page.locator(".pmc-slots .pmc-time").first.click()
    page.get_by_label("Email").fill("dana@")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_label("Name")).to_be_focused()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Please fill this in.")).to_be_visible()
    expect(page.get_by_text("Enter an email address like name@example.com.")).to_be_visible()
    shot(page, "inline-errors")

    page.get_by_label("Name").fill("Dana Scully")
    page.get_by_label("Email").fill("dana@example.c")
    page.get_by_role("button", name="Schedule meeting").click()
    email = page.get_by_label("Email")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text("Enter a valid email address.")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "false")
    shot(page, "server-field-error")
    assert not Booking.objects.exists()


def test_choosing_another_time_zone_shows_the_times_there(
    page, visit, booking_page, product_demo, shot
):
    day = next_monday()
    visit(booking_page)
    expect(page.locator(".pmc-cal table[aria-busy=false]")).to_be_visible()
    zone = page.get_by_label("Time zone")
    zone.fill("Asia/Kolkata")
    zone.press("Enter")
    expect(zone).to_have_value(INDIA)
    expect(zone).to_have_attribute("aria-invalid", "false")
    open_day(page, day)
    assert times_shown(page) == [clock(s) for s in slots_on(product_demo, day, zone=KOLKATA)]
    shot(page, "times-in-kolkata")
    page.locator(".pmc-slots .pmc-time").first.click()
    expect(page.locator(".pmc-card")).to_contain_text(INDIA)
    shot(page, "details-in-kolkata")


def test_a_time_taken_meanwhile_is_refused_kindly(page, visit, booking_page, product_demo, shot):
    day = next_monday()
    visit(booking_page)
    open_day(page, day)
    page.locator(".pmc-slots .pmc-time").first.click()
    fill_details(page, "Dana Scully", "dana@example.com")
    first = slots_on(product_demo, day)[0]
    booking_service.book(
        product_demo,
        start=first,
        duration=30,
        attendee_name="Someone Else",
        attendee_email="else@example.com",
        attendee_timezone="Europe/Berlin",
    )
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("that time was just taken"))
    open_day(page, day)
    assert clock(first) not in times_shown(page)
    shot(page, "taken")


def test_booking_from_the_streamfield_block(page, visit, home, product_demo, seed_host, shot):
    block_page = BlockPage(
        title="Talk to us",
        slug="talk-to-us",
        body=[
            ("booking_calendar", {"heading": "Book a product demo", "meeting_type": product_demo}),
            ("host_availability", {"heading": "Host controls", "host": seed_host}),
        ],
    )
    home.add_child(instance=block_page)
    day = next_monday()
    expected = [clock(s) for s in slots_on(product_demo, day)]

    visit(block_page)
    panel = page.locator(".pmc-host")
    expect(panel.get_by_role("heading", name="Host controls")).to_be_visible()
    expect(panel).to_contain_text("09:00 AM – 12:30 PM")
    expect(panel).to_contain_text("02:00 PM – 06:00 PM")
    expect(panel).to_contain_text("Asia/Kolkata (GMT+05:30)")
    expect(panel.locator(".pmc-length")).to_have_text(["15 min", "30 min", "45 min", "60 min"])
    widget = page.locator(".pmc-block")
    expect(widget.get_by_role("heading", name="Book a product demo")).to_be_visible()
    expect(widget.locator(".pmc-slots .pmc-time").first).to_be_visible()
    shot(page, "block-page")

    open_day(widget, day)
    assert times_shown(widget) == expected
    widget.locator(".pmc-time").last.click()
    fill_details(widget, "Fox Mulder", "fox@example.com")
    widget.get_by_role("button", name="Schedule meeting").click()
    expect(widget.get_by_role("heading", name="You are booked")).to_be_visible()
    booking = Booking.objects.select_related("host", "meeting_type").get()
    assert clock(booking.start.astimezone(NEW_YORK)) == expected[-1]
    assert_confirmation(widget, booking)
    shot(page, "confirmed")


def test_keyboard_only_booking(page, visit, booking_page, product_demo, shot):
    day = next_monday()
    visit(booking_page)
    expect(page.locator(".pmc-cal table")).to_have_attribute("aria-busy", "false")

    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[role=grid]')"):
            break
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("data-day", re.compile(r"\d{4}-\d{2}-\d{2}"))
    for _ in range(20):
        if focused.get_attribute("data-day") == day.isoformat():
            break
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.dataset.day")
    expect(focused).to_have_attribute("data-day", day.isoformat())
    shot(page, "day-focused")
    page.keyboard.press("Enter")
    expect(day_button(page, day).locator("..")).to_have_attribute("aria-selected", "true")
    slots = slots_on(product_demo, day)
    count = len(slots)
    expect(page.locator(".pmc-sr[aria-live]")).to_have_text(
        f"{count} times available on {long_date(day)}"
    )

    page.keyboard.press("Tab")
    expect(focused).to_have_class("pmc-time")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Enter your details")).to_be_focused()
    for text in ("Walter Skinner", "walter@example.com", "Keyboard only"):
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    expect(focused).to_have_text("Schedule meeting")
    shot(page, "form-filled")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
    booking = Booking.objects.get()
    assert booking.start == slots[0]
    assert (booking.attendee_name, booking.attendee_email, booking.notes) == (
        "Walter Skinner",
        "walter@example.com",
        "Keyboard only",
    )
    shot(page, "confirmed")


def test_without_javascript_the_next_times_are_listed(
    browser, live_server, booking_page, product_demo, shot
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + booking_page.url)
        next_times = availability.next_slots(product_demo, 30, after=timezone.now(), count=5)
        items = page.locator(".pmc-noscript li")
        expect(items).to_have_count(5)
        kolkata = [slot.start.astimezone(KOLKATA) for slot in next_times]
        expect(items).to_have_text([f"{s:%A} {s.day} {s:%B %Y}, {s:%H:%M}" for s in kolkata])
        expect(page.locator(".pmc-noscript")).to_contain_text("Next available times (Asia/Kolkata)")
        shot(page, "noscript")
    finally:
        context.close()


def test_booking_on_a_small_phone(browser, live_server, booking_page, product_demo, shot):
    """360 px wide: nothing scrolls sideways, and nothing moves while the times load."""
    context = browser.new_context(
        timezone_id="America/New_York", locale="en-US", viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.add_init_script(LAYOUT_SHIFT_OBSERVER)
        held = []  # the first answer waits until the skeleton has been measured

        def hold_first(route):
            return route.continue_() if held else held.append(route)

        page.route("**/v1/slots?**", hold_first)
        page.goto(live_server.url + booking_page.url)
        expect(page.locator(".pmc-skel")).to_have_count(6)
        zone_picker = page.locator(".pmc-tz")
        while_loading = zone_picker.bounding_box()
        shot(page, "phone-loading")
        held[0].continue_()
        expect(page.locator(".pmc-slots .pmc-time").first).to_be_visible()
        assert zone_picker.bounding_box() == while_loading
        assert page.evaluate("() => window.layoutShift") == 0
        fits = "() => document.documentElement.scrollWidth <= 360"
        assert page.evaluate(fits)
        open_day(page, next_monday())
        shot(page, "phone-calendar")
        page.locator(".pmc-slots .pmc-time").first.click()
        fill_details(page, "Dana Scully", "dana@example.com")
        assert page.evaluate(fits)
        shot(page, "phone-details")
        page.get_by_role("button", name="Schedule meeting").click()
        expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
        assert page.evaluate(fits)
        shot(page, "phone-confirmed")
    finally:
        context.close()
