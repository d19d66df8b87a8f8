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


SEED_WEEK = {
    "Monday": [("09:00", "12:30"), ("14:00", "18:00")],
    "Tuesday": [("10:00", "13:00"), ("15:00", "17:30")],
    "Wednesday": [("09:30", "12:30"), ("14:00", "17:00")],
    "Thursday": [("10:00", "14:00"), ("16:00", "19:00")],
    "Friday": [("09:00", "11:30"), ("13:30", "16:30")],
}
"""The seed product page's Host Controls week: ten windows over Monday to Friday."""


def half_hours(windows):
    """The 30-minute starts the widget shows for ``windows``, as "9:00 AM"."""
    shown = []
    for start, end in windows:
        minutes, last = (int(t[:2]) * 60 + int(t[3:]) for t in (start, end))
        while minutes + 30 <= last:
            hour, minute = divmod(minutes, 60)
            shown.append(f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}")
            minutes += 30
    return shown


def set_windows(day, windows):
    """Make ``day``'s rows read ``windows``: fill the shown rows, add or remove the rest."""
    rows = day.locator("[data-pmc-window]:visible")
    while rows.count() > len(windows):
        rows.last.get_by_role("button", name="Remove this window").click()
    while rows.count() < len(windows):
        day.get_by_role("button", name=re.compile("^Add window")).click()
    for row, (start, end) in zip(rows.all(), windows, strict=True):
        row.get_by_label("From").fill(start)
        row.get_by_label("To").fill(end)


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
    monday_row = page.get_by_role("group", name="Monday")
    saturday_row = page.get_by_role("group", name="Saturday")
    expect(saturday_row).to_contain_text("Unavailable")
    expect(saturday_row.get_by_role("button", name=re.compile("^Copy"))).to_be_hidden()
    set_windows(monday_row, SEED_WEEK["Monday"])
    monday_row.get_by_role("button", name="Copy to all weekdays from Monday").click()
    expect(
        page.get_by_role("group", name="Friday").locator("[data-pmc-window]:visible")
    ).to_have_count(2)
    for name, windows in SEED_WEEK.items():
        set_windows(page.get_by_role("group", name=name), windows)
    expect(page.get_by_role("group", name="Sunday")).to_contain_text("Unavailable")
    page.get_by_role("group", name="Thursday").scroll_into_view_if_needed()
    shot(page, "week-grid")
    page.get_by_label("30 min").check()
    page.get_by_label("Search timezones").fill("new york")
    zones = page.locator("select#id_timezone")
    zones.select_option("America/New_York")
    expect(zones.locator("option:checked")).to_have_text(
        re.compile(r"^America/New_York — Eastern Time, GMT−0[45]:00$")
    )
    zones.scroll_into_view_if_needed()
    shot(page, "timezone-chooser")
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
    stored = {
        (w.weekday, f"{w.start_time:%H:%M}", f"{w.end_time:%H:%M}")
        for w in host.availability_windows.all()
    }
    assert stored == {
        (day, start, end)
        for day, windows in enumerate(SEED_WEEK.values())
        for start, end in windows
    }
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
    for offset, windows in enumerate(SEED_WEEK.values()):
        open_day(page, monday + timedelta(days=offset))
        assert times_shown(page) == half_hours(windows)
    shot(page, "friday-windows")
    saturday = monday + timedelta(days=5)
    expect(day_button(page, saturday)).to_have_attribute("aria-disabled", "true")
    show_month(page, away)
    closed = day_button(page, away)
    expect(closed).to_have_attribute("aria-disabled", "true")
    expect(closed).to_have_attribute("aria-label", re.compile(r", no times available$"))
    shot(page, "out-of-office-day-closed")
