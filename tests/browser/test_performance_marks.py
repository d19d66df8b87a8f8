"""The widget's Performance API marks, which benchmarks/browser.py reads.

Only that the marks exist, and how many: the project asserts no timings in tests.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from .helpers import next_monday, open_day

pytestmark = pytest.mark.browser

MARKS = "(name) => performance.getEntriesByName(name, 'mark').length"


def marks(page: Page, name: str) -> int:
    return page.evaluate(MARKS, name)


def test_the_first_times_shown_are_marked_once(page, visit, booking_page, product_demo, shot):
    visit(booking_page)
    expect(page.locator(".pmc-slots .pmc-time").first).to_be_visible()
    assert marks(page, "pmc:widget-start") == 1
    assert marks(page, "pmc:first-times") == 1
    shot(page, "first-times")

    # Other days, months and lengths render times again, but they are not the first.
    open_day(page, next_monday() + timedelta(days=1))
    page.get_by_role("button", name="15 min").click()
    expect(page.locator(".pmc-slots .pmc-time").first).to_be_visible()
    open_day(page, next_monday(min_days=9))
    assert marks(page, "pmc:first-times") == 1
    shot(page, "other-times")
