"""An admin sets up a host in the Wagtail admin; the public calendar follows at once."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from wagtail_pmc_booking.models import Host

from .helpers import PASSWORD, day_button, log_in, next_monday, open_day, show_month, times_shown

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def add_window(page, index, start, end):
    page.get_by_role("button", name="Add Availability window").click()
    prefix = f"#id_availability_windows-{index}"
    page.locator(f"{prefix}-weekday").select_option(label="Monday")
    page.locator(f"{prefix}-start_time").fill(start)
    page.locator(f"{prefix}-end_time").fill(end)


def test_admin_creates_a_host_and_the_calendar_follows(
    page, visit, live_server, admin_user, home, make_booking_page, shot
):
    monday = next_monday()
    away = monday + timedelta(days=7)
    meeting_type = factories.make_meeting_type(
        hosts=[], name="Consultation", slug="consultation", durations=[30], default_duration=30
    )
    booking_page = make_booking_page(meeting_type, "consultation")
    log_in(page, live_server, admin_user)

    page.goto(f"{live_server.url}/admin/snippets/wagtail_pmc_booking/host/add/")
    page.get_by_label("Name").fill("Marcus Lee")
    page.get_by_label("Slug").fill("marcus-lee")
    page.get_by_label("Email").fill("marcus@example.com")
    page.get_by_label("Zoom user").fill("marcus@example.com")
    add_window(page, 0, "09:00", "11:00")
    add_window(page, 1, "14:00", "16:00")
    page.get_by_label("30 min").check()
    page.get_by_label("Timezone").fill("America/New_York")
    page.get_by_role("button", name="Add Out-of-office period").click()
    page.locator("#id_out_of_office-0-start_date").fill(away.isoformat())
    page.locator("#id_out_of_office-0-end_date").fill(away.isoformat())
    page.keyboard.press("Escape")
    page.locator("#id_out_of_office-0-reason").fill("Conference")
    expect(page.locator("#id_out_of_office-0-is_enabled")).to_be_checked()
    shot(page, "host-editor")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("'Marcus Lee' created")).to_be_visible()
    host = Host.objects.get(slug="marcus-lee")
    assert host.availability_windows.count() == 2
    assert host.out_of_office.get().start_date == away

    page.goto(
        f"{live_server.url}/admin/snippets/wagtail_pmc_booking/meetingtype/edit/{meeting_type.pk}/"
    )
    page.get_by_label("Marcus Lee").check()
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("'Consultation' updated")).to_be_visible()
    shot(page, "meeting-type-saved")
    assert list(meeting_type.hosts.all()) == [host]

    visit(booking_page)
    open_day(page, monday)
    assert times_shown(page) == [
        "9:00 AM",
        "9:30 AM",
        "10:00 AM",
        "10:30 AM",
        "2:00 PM",
        "2:30 PM",
        "3:00 PM",
        "3:30 PM",
    ]
    shot(page, "monday-windows")
    show_month(page, away)
    closed = day_button(page, away)
    expect(closed).to_have_attribute("aria-disabled", "true")
    expect(closed).to_have_attribute("aria-label", re.compile(r", no times available$"))
    shot(page, "out-of-office-day-closed")
