"""The attendee's own booking: their language, their questions, prefill and tracking from
the page URL, the friendly zone picker and clock, add-to-calendar links, and axe."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from wagtail_pmc_booking.models import Booking

from .axe import assert_accessible
from .helpers import NEW_YORK, next_monday, open_day, slots_on
from .test_embed import HOST_PAGE, marketing_site  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

QUESTIONS = [
    ("short_text", {"key": "company", "label": "Company", "required": True, "help_text": ""}),
    (
        "email",
        {
            "key": "billing",
            "label": "Billing email",
            "required": False,
            "help_text": "Where invoices go.",
        },
    ),
    (
        "select",
        {
            "key": "team_size",
            "label": "Team size",
            "required": False,
            "help_text": "",
            "options": ["1-10", "11-50"],
        },
    ),
    (
        "checkbox",
        {"key": "newsletter", "label": "Send me news", "required": False, "help_text": ""},
    ),
]


def de(msgid, *, same=False):
    """The German of ``msgid``; the test fails while the catalogue leaves it English
    (``same`` for the few words German spells alike, such as "Name")."""
    with translation.override("de"):
        german = translation.gettext(msgid)
    assert same or german != msgid, f"not translated into German: {msgid!r}"
    return german


def english(msgid):
    with translation.override("en"):
        return translation.gettext(msgid)


@pytest.fixture
def asking(product_demo):
    product_demo.questions = QUESTIONS
    product_demo.save()
    return product_demo


@pytest.fixture
def german(browser):
    context = browser.new_context(
        timezone_id="Europe/Berlin",
        locale="de-DE",
        extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"},
        viewport={"width": 1100, "height": 900},
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def first_slot(page, day):
    page.locator(f'[data-day="{day.isoformat()}"]').click()
    page.locator(".pmc-slots .pmc-time").first.click()


def test_a_german_browser_books_in_german(
    german, live_server, booking_page, product_demo, mailoutbox, shot
):
    page = german
    page.goto(live_server.url + booking_page.url)
    assert page.locator("html").get_attribute("lang") == "de"
    heading = page.locator(".pmc-h")
    expect(heading).to_have_text(de("Select a date & time"))
    assert de("Select a date & time") != english("Select a date & time")
    expect(page.get_by_label(de("Time zone"))).to_have_value(
        re.compile(r"^Mitteleuropäische Zeit — GMT\+0[12]:00 \(Berlin\)$")
    )
    day = next_monday()
    expect(page.locator(".pmc-cal table[aria-busy=false]")).to_be_visible()
    for _ in range(3):
        if page.locator(f'[data-day="{day.isoformat()}"]').count():
            break
        page.get_by_role("button", name=de("Next month")).click()
    page.locator(f'[data-day="{day.isoformat()}"]').click()
    with translation.override("de"):
        long_day = date_format(day, "l, j. F Y")
    expect(page.locator(".pmc-day-title")).to_have_text(long_day)
    # German clocks are 24-hour by default: no AM/PM, and the switch is off.
    expect(page.get_by_role("button", name=de("12-hour clock"))).to_have_attribute(
        "aria-pressed", "false"
    )
    assert not re.search(r"AM|PM", page.locator(".pmc-times").inner_text())
    shot(page, "german-calendar")

    page.locator(".pmc-slots .pmc-time").first.click()
    expect(page.get_by_role("heading", name=de("Enter your details"))).to_be_focused()
    page.get_by_label(de("Name", same=True), exact=True).fill("Lena Fischer")
    page.get_by_label(de("Email"), exact=True).fill("lena@example.com")
    shot(page, "german-details")
    page.get_by_role("button", name=de("Schedule meeting")).click()
    expect(page.get_by_role("heading", name=de("You are booked"))).to_be_focused()
    booking = Booking.objects.get()
    assert booking.language == "de"
    shot(page, "german-confirmed")

    to_lena = [m for m in mailoutbox if any("lena@example.com" in to for to in m.to)]
    assert to_lena, "no confirmation emailed"
    confirmed = de("Confirmed: %(meeting)s on %(when)s").split("%(meeting)s")[0]
    assert to_lena[0].subject.startswith(confirmed), to_lena[0].subject


def test_questions_are_checked_inline_and_by_the_server_then_stored(
    page, visit, booking_page, asking, shot
):
    visit(booking_page)
    open_day(page, next_monday())
    page.locator(".pmc-slots .pmc-time").first.click()
    page.get_by_label("Name", exact=True).fill("Dana Scully")
    page.get_by_label("Email", exact=True).fill("dana@example.com")
    page.get_by_role("button", name="Schedule meeting").click()

    company = page.get_by_label("Company")
    expect(company).to_be_focused()
    expect(company).to_have_attribute("aria-invalid", "true")
    error = page.locator(".pmc-field", has=company).locator(".pmc-error")
    expect(error).to_have_text("Please fill this in.")
    shot(page, "required-question")

    company.fill("FBI")
    billing = page.get_by_label("Billing email")
    # The browser takes "a@b" as an email address; Django does not.
    billing.fill("a@b")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(billing).to_be_focused()
    expect(billing).to_have_attribute("aria-invalid", "true")
    billing_error = page.locator(".pmc-field", has=billing).locator(".pmc-error")
    expect(billing_error).to_have_text("Enter a valid email address.")
    expect(company).to_have_attribute("aria-invalid", "false")
    expect(billing).to_have_accessible_description(re.compile("Enter a valid email address."))
    assert not Booking.objects.exists()
    shot(page, "server-error-inline")

    billing.fill("billing@fbi.gov")
    page.get_by_label("Team size").select_option("11-50")
    page.get_by_label("Send me news").check()
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", name="You are booked")).to_be_focused()
    booking = Booking.objects.get()
    assert booking.answers == {
        "company": "FBI",
        "billing": "billing@fbi.gov",
        "team_size": "11-50",
        "newsletter": True,
    }
    assert booking.language == "en"


PREFILL = {
    "name": "Dana Scully",
    "email": "dana@example.com",
    "company": "FBI",
    "team_size": "1-10",
    "utm_source": "newsletter",
    "utm_campaign": "spring",
    "gclid": "abc123",
}


def test_prefill_and_utm_from_the_page_url_land_on_the_booking(
    page, visit, booking_page, asking, shot
):
    visit(f"{booking_page.url}?{urlencode(PREFILL)}")
    open_day(page, next_monday())
    page.locator(".pmc-slots .pmc-time").first.click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Dana Scully")
    expect(page.get_by_label("Email", exact=True)).to_have_value("dana@example.com")
    expect(page.get_by_label("Company")).to_have_value("FBI")
    expect(page.get_by_label("Team size")).to_have_value("1-10")
    shot(page, "prefilled")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    booking = Booking.objects.get()
    assert booking.attendee_name == "Dana Scully"
    assert booking.answers == {"company": "FBI", "team_size": "1-10"}
    assert booking.tracking == {
        "utm_source": "newsletter",
        "utm_campaign": "spring",
        "gclid": "abc123",
    }


def test_the_embed_forwards_the_host_pages_prefill_and_utm(
    page,
    live_server,
    asking,
    marketing_site,  # noqa: F811  (the fixture imported above)
    shot,
):
    html = HOST_PAGE.format(slug=asking.slug, base=live_server.url)
    url = marketing_site(html, path="/sales") + "?" + urlencode(PREFILL)
    page.goto(url)
    iframe = page.locator("[data-pmc-booking] iframe")
    expect(iframe).to_have_attribute("src", re.compile(r"utm_source=newsletter"))
    query = parse_qs(urlsplit(iframe.get_attribute("src")).query)
    assert {key: values[0] for key, values in query.items()} == PREFILL
    widget = page.frame_locator("[data-pmc-booking] iframe")
    open_day(widget, next_monday())
    widget.locator(".pmc-time").first.click()
    expect(widget.get_by_label("Company")).to_have_value("FBI")
    widget.get_by_role("button", name="Schedule meeting").click()
    expect(widget.get_by_role("heading", name="You are booked")).to_be_visible()
    shot(page, "embedded-prefilled-confirmed")
    booking = Booking.objects.get()
    assert booking.attendee_email == "dana@example.com"
    assert booking.tracking == {
        "utm_source": "newsletter",
        "utm_campaign": "spring",
        "gclid": "abc123",
    }


def test_the_zone_picker_searches_friendly_names_and_explains_an_unknown_zone(
    page, visit, booking_page, product_demo, shot
):
    visit(booking_page)
    expect(page.locator(".pmc-cal table[aria-busy=false]")).to_be_visible()
    zone = page.get_by_label("Time zone")
    zone.focus()
    options = page.locator(".pmc-tz datalist option")
    india = "India Standard Time — GMT+05:30 (Kolkata)"
    expect(options.filter(has=page.locator(f'[value="{india}"]'))).to_have_count(0)
    assert india in options.evaluate_all("els => els.map(e => e.value)")
    # The picker sits above the times.
    assert zone.bounding_box()["y"] < page.locator(".pmc-pick").bounding_box()["y"]

    zone.fill("Atlantis/Nowhere")
    zone.press("Enter")
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(zone).to_have_accessible_description("Choose a time zone from the list.")
    shot(page, "unknown-zone")

    zone.fill(india)
    zone.press("Enter")
    expect(zone).to_have_attribute("aria-invalid", "false")
    expect(zone).to_have_accessible_description("")
    day = next_monday()
    open_day(page, day)
    kolkata = slots_on(product_demo, day, zone=ZoneInfo("Asia/Kolkata"))
    assert page.locator(".pmc-time").first.inner_text().replace("\u202f", " ") == (
        f"{kolkata[0]:%I:%M %p}".lstrip("0")
    )


def test_the_clock_switches_between_12_and_24_hours(page, visit, booking_page, product_demo):
    day = next_monday()
    visit(booking_page)
    open_day(page, day)
    starts = slots_on(product_demo, day, zone=NEW_YORK)
    switch = page.get_by_role("button", name="12-hour clock")
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".pmc-time").first).to_contain_text(re.compile("AM|PM"))
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".pmc-time").first).to_have_text(f"{starts[0]:%H:%M}")
    switch.click()
    expect(page.locator(".pmc-time").first).to_contain_text(re.compile("AM|PM"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_booking_and_confirmation_screens_pass_axe(
    browser, live_server, booking_page, asking, shot, scheme
):
    context = browser.new_context(
        timezone_id="America/New_York",
        locale="en-US",
        color_scheme=scheme,
        viewport={"width": 1100, "height": 900},
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + booking_page.url)
        day = next_monday()
        open_day(page, day)
        assert_accessible(page)
        shot(page, f"booking-{scheme}")
        page.locator(".pmc-slots .pmc-time").first.click()
        page.get_by_label("Name", exact=True).fill("Dana Scully")
        page.get_by_label("Email", exact=True).fill("dana@example.com")
        page.get_by_label("Company").fill("FBI")
        assert_accessible(page)
        shot(page, f"details-{scheme}")
        page.get_by_role("button", name="Schedule meeting").click()
        expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
        links = page.locator(".pmc-add a")
        token = Booking.objects.get().public_id  # the links carry the manage token, not this
        hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all("{token}" not in href and token not in href for href in hrefs)
        assert hrefs[-1].endswith("/invite.ics")
        assert_accessible(page)
        shot(page, f"confirmed-{scheme}")
    finally:
        context.close()
