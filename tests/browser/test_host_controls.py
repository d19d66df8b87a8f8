"""A host's owner opens a Saturday with a date override and trims their own week; an
attendee's late cancel link shows the cutoff; an admin reassigns a booking, and the
Zoom meeting (on the loopback fake) and the three emails follow."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.zoom_fake.fixtures import fake_zoom
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, Host, ZoomMeeting

from .axe import assert_accessible
from .helpers import (
    NEW_YORK,
    PASSWORD,
    day_button,
    emailed_link,
    log_in,
    open_day,
    show_month,
    slots_on,
    times_shown,
)

__all__ = ["fake_zoom"]  # the loopback fake Zoom, a fixture

pytestmark = pytest.mark.browser

DANA = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


def next_saturday(min_days=3):
    """A Saturday in New York at least ``min_days`` ahead."""
    today = date.today()
    ahead = (5 - today.weekday()) % 7
    while ahead < min_days:
        ahead += 7
    return today + timedelta(days=ahead)


def user_with_password(username, *groups, **fields):
    user = factories.make_user(username, *groups, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def host_editor(live_server, host):
    return live_server.url + reverse(Host.snippet_viewset.get_url_name("edit"), args=[host.pk])


def test_a_host_owner_opens_a_saturday_and_trims_their_week(
    page, visit, live_server, booking_page, seed_host, admin_access_group, shot
):
    owner = user_with_password("asha", admin_access_group)
    Host.objects.filter(pk=seed_host.pk).update(user=owner)
    saturday = next_saturday()
    visit(booking_page)
    show_month(page, saturday)
    expect(day_button(page, saturday)).to_have_attribute("aria-disabled", "true")

    log_in(page, live_server, owner)
    page.goto(host_editor(live_server, seed_host))
    friday = page.get_by_role("group", name="Friday")
    friday.locator("[data-pmc-window]:visible").last.get_by_role(
        "button", name="Remove this window"
    ).click()
    expect(friday.locator("[data-pmc-window]:visible")).to_have_count(1)
    page.get_by_role("button", name="Add Date override").click()
    page.locator("#id_date_overrides-0-date").fill(saturday.isoformat())
    # 20:00–22:00 in Kolkata is 09:30–11:30 on the same Saturday in New York.
    page.locator("#id_date_overrides-0-start_time").fill("20:00")
    page.locator("#id_date_overrides-0-end_time").fill("22:00")
    page.locator("#id_date_overrides-0-date").scroll_into_view_if_needed()
    shot(page, "owner-week-and-override")
    assert_accessible(page, include="[data-pmc-week]")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("'Asha Rao' updated")).to_be_visible()
    assert seed_host.availability_windows.count() == 9
    assert seed_host.date_overrides.get().date == saturday

    visit(booking_page)
    open_day(page, saturday)
    assert times_shown(page) == ["9:30 AM", "10:00 AM", "10:30 AM", "11:00 AM"]
    shot(page, "saturday-open")


def test_a_late_cancel_link_shows_the_booking_and_the_cutoff(page, product_demo, mailoutbox, shot):
    start = slots_on(product_demo, next_saturday(min_days=3) + timedelta(days=2))[0]
    booking = booking_service.book(product_demo, start=start, duration=30, **DANA).booking
    product_demo.minimum_change_notice_minutes = 30 * 24 * 60  # a month: we are inside it
    product_demo.save()
    link, _token = emailed_link(mailoutbox, "dana@example.com", "cancel")

    response = page.goto(link)

    assert response.status == 200
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^It is too late to change this booking online\. Reply to your invitation")
    )
    expect(page.get_by_text(f"{start.astimezone(NEW_YORK):%A %-d %B %Y}")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel booking")).to_have_count(0)
    shot(page, "too-late")
    assert_accessible(page)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_an_admin_reassigns_and_zoom_and_three_emails_follow(
    page,
    live_server,
    home,
    fake_zoom,
    seed_host,
    mailoutbox,
    shot,
):
    ravi = factories.make_seed_host(name="Ravi Iyer", slug="ravi", zoom_user="ravi@example.com")
    Host.objects.filter(pk=seed_host.pk).update(zoom_user="asha@example.com", priority=3)
    team = factories.make_meeting_type(hosts=[seed_host, ravi], name="Team Demo", slug="team")
    start = slots_on(team, next_saturday(min_days=3) + timedelta(days=2))[0]
    seed_host.refresh_from_db()
    booking = booking_service.book(team, start=start, host=seed_host, **DANA).booking
    old_meeting = ZoomMeeting.objects.get(booking=booking).zoom_meeting_id
    mailoutbox.clear()
    admin = user_with_password("admin", is_superuser=True, is_staff=True)

    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/pmc-bookings/inspect/{booking.pk}/")
    page.get_by_role("link", name="Reassign…").click()
    page.get_by_label("Ravi Iyer").check()
    shot(page, "reassign-form")
    assert_accessible(page)
    page.get_by_role("button", name="Reassign", exact=True).click()

    expect(
        page.get_by_text(f"Booking {booking.public_id} now has Ravi Iyer as its host.")
    ).to_be_visible()
    shot(page, "reassigned")
    record = ZoomMeeting.objects.get(booking=booking)
    assert record.zoom_user == "ravi@example.com" and record.zoom_meeting_id != old_meeting
    assert old_meeting not in fake_zoom.meetings
    assert fake_zoom.meetings[record.zoom_meeting_id]["host_email"] == "ravi@example.com"
    recipients = sorted(to for message in mailoutbox for to in message.to)
    assert recipients == sorted(
        [
            "Dana Scully <dana@example.com>",
            f"Ravi Iyer <{ravi.email}>",
            f"Asha Rao <{seed_host.email}>",
        ]
    )
