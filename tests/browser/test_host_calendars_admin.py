"""A host's owner adds a calendar feed in the host editor and reads it with "Sync now"."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from wagtail_pmc_booking.models import BusyTime, HostCalendar

pytestmark = pytest.mark.browser

GOOGLE = (Path(__file__).parents[1] / "calendars" / "feeds" / "google.ics").read_text()


@pytest.fixture
def two_weeks_ahead(settings, site_settings):
    """The weekly Monday standup of google.ics falls at least twice in the read window."""
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "CALENDAR_LOOKAHEAD_DAYS": 14}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=username)).to_be_visible()


def test_owner_adds_a_feed_and_syncs_it(
    page, live_server, transactional_db, admin_access_group, feed_server, two_weeks_ahead, shot
):
    owner = factories.make_user("meera", admin_access_group)
    host = factories.make_seed_host(name="Meera Nair", slug="meera", user=owner)
    feed_server.serve("/meera.ics", GOOGLE)
    edit = f"{live_server.url}/admin/snippets/wagtail_pmc_booking/host/edit/{host.pk}/"
    log_in(page, live_server, "meera")

    page.goto(edit)
    page.get_by_role("button", name="Add Calendar").click()
    name = page.locator("#id_calendars-0-name")
    name.fill("Google")
    assert name.bounding_box()["width"] > 200  # not squeezed beside the long kind choices
    page.locator("#id_calendars-0-kind").select_option("ics")
    page.locator("#id_calendars-0-url").fill(feed_server.url("/meera.ics"))
    shot(page, "calendar-row-filled")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("'Meera Nair' updated")).to_be_visible()
    calendar = HostCalendar.objects.get(host=host)
    assert (calendar.name, calendar.kind) == ("Google", "ics")
    assert len(feed_server.requests) == 1

    page.goto(edit)
    status = page.locator("#pmc-calendar-status")
    expect(status.get_by_role("row", name=re.compile("Google"))).to_contain_text("never")
    status.get_by_role("button", name="Sync now").click()

    message = page.get_by_text(re.compile(r"Google: read (\d+) events, (\d+) busy times"))
    expect(message).to_be_visible()  # the sync has answered: the database is settled
    assert page.url == edit
    events, busy = map(int, re.search(r"(\d+) events, (\d+) busy", message.inner_text()).groups())
    assert events >= 1
    assert busy == BusyTime.objects.filter(calendar=calendar).count() >= 2
    # Wagtail's messages controller slides the message in; shoot once it is fully shown.
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.messages > ul')).opacity === '1'"
    )
    shot(page, "sync-message")
    row = page.locator("#pmc-calendar-status").get_by_role("row", name=re.compile("Google"))
    expect(row).not_to_contain_text("never")
    expect(row).to_contain_text("—")
    calendar.refresh_from_db()
    assert calendar.last_synced_at is not None
    html = page.content()
    assert "{{" not in html and "{%" not in html
    page.locator("#pmc-calendar-status").scroll_into_view_if_needed()
    shot(page, "status-panel")
