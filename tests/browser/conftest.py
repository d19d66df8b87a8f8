"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety
check is switched off for these tests only. Screenshots of every step land in
``test-results/browser/<test>/`` (kept by CI as artefacts).
"""

import itertools
import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from wagtail_pmc_booking.models import BookingPage

from .chromium import CHROMIUM, CHROMIUM_ARGS
from .helpers import ensure_home

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def site_settings(settings, live_server):
    """Links in emails and API answers point at the live server; no rate limit between
    journeys that share one client IP."""
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "BASE_URL": live_server.url,
        "API_RATE_LIMIT_PUBLIC": None,
    }
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    cache.clear()


@pytest.fixture
def context(browser):
    """An attendee in New York with a US English browser."""
    context = browser.new_context(
        timezone_id="America/New_York",
        locale="en-US",
        viewport={"width": 1100, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A tab that fails the test on any uncaught script error."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert not errors, f"script errors: {errors}"


@pytest.fixture
def shot(request):
    """``shot(page, "step")`` saves a numbered full-page screenshot of the step."""
    folder = RESULTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = itertools.count(1)

    def take(page, name):
        page.screenshot(path=folder / f"{next(counter):02d}-{name}.png", full_page=True)

    return take


@pytest.fixture
def home(transactional_db):
    return ensure_home()


@pytest.fixture
def booking_page(home, product_demo):
    page = BookingPage(
        title="Book a product demo",
        slug="book-a-demo",
        meeting_type=product_demo,
        intro="<p>Pick a time that suits you; we will send a Zoom link.</p>",
        confirmation_text="<p>See you soon!</p>",
    )
    home.add_child(instance=page)
    return page


@pytest.fixture
def make_booking_page(home):
    def make(meeting_type, slug):
        page = BookingPage(title=meeting_type.name, slug=slug, meeting_type=meeting_type)
        home.add_child(instance=page)
        return page

    return make


@pytest.fixture
def visit(page, live_server):
    """``visit(wagtail_page_or_path)`` opens it on the live server."""

    def go(target):
        path = target if isinstance(target, str) else target.url
        return page.goto(live_server.url + path)

    return go
