"""Zoom reports a meeting only the host joined; the host's owner opens the booking in the
admin, reads what Zoom said, and corrects the no-show (the attendee dialled in by phone)."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests import factories
from wagtail_pmc_booking.models import Attendance, ZoomMeeting
from wagtail_pmc_booking.zoom import webhooks

from .axe import assert_accessible
from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser

SECRET = "browser-zoom-webhook-secret"
MEETING_ID = 81234567890


def zoom_posts(live_server, name, **fields):
    """A signed Zoom event sent over HTTP to the running site, as Zoom sends it."""
    body = json.dumps(
        {
            "event": name,
            "event_ts": int(time.time() * 1000),
            "payload": {"account_id": "acct", "object": {"id": str(MEETING_ID), **fields}},
        }
    ).encode()
    sent = str(int(time.time()))
    response = requests.post(
        f"{live_server.url}/v1/integrations/zoom/webhook",
        data=body,
        headers={
            "Content-Type": "application/json",
            "x-zm-request-timestamp": sent,
            "x-zm-signature": webhooks.sign(SECRET, sent, body),
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_a_host_owner_reads_zoom_attendance_and_corrects_a_no_show(
    page, live_server, home, settings, admin_access_group, product_demo, seed_host, shot
):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ZOOM_WEBHOOK_SECRET": SECRET}
    owner = factories.make_user("asha", admin_access_group)
    owner.set_password(PASSWORD)
    owner.save()
    seed_host.user = owner
    seed_host.save()
    start = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    booking = factories.make_booking_row(product_demo, seed_host, start)
    ZoomMeeting.objects.create(
        booking=booking, state="synced", zoom_meeting_id=MEETING_ID, zoom_user=seed_host.email
    )
    joined = f"{start:%Y-%m-%dT%H:%M:%SZ}"
    host = {"id": "zoom-host", "user_name": "Asha Rao", "join_time": joined}
    zoom_posts(live_server, "meeting.started", host_id="zoom-host", start_time=joined)
    zoom_posts(live_server, "meeting.participant_joined", host_id="zoom-host", participant=host)
    ended = f"{booking.end + timedelta(minutes=1):%Y-%m-%dT%H:%M:%SZ}"
    zoom_posts(live_server, "meeting.ended", host_id="zoom-host", end_time=ended)
    assert Attendance.objects.get(booking=booking).status == "no_show"

    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/admin/pmc-bookings/?attendance=no_show")
    row = page.get_by_role("row").filter(has_text=booking.public_id)
    expect(row).to_contain_text("No-show")
    shot(page, "no-shows-filter")

    row.get_by_role("link", name=booking.public_id).click()
    section = page.get_by_role("region", name="Attendance")
    expect(section).to_contain_text("Decided from Zoom")
    expect(section.get_by_role("table", name="Participants")).to_contain_text("Asha Rao")
    section.scroll_into_view_if_needed()
    shot(page, "inspect-no-show")
    assert_accessible(page)

    section.get_by_label("Attended").check()
    section.get_by_role("button", name="Save attendance").click()

    expect(
        page.get_by_text(f"Attendance of booking {booking.public_id}: Attended.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Attendance")).to_contain_text("Set by asha")
    page.get_by_role("region", name="Attendance").scroll_into_view_if_needed()
    shot(page, "set-by-host")
    row = Attendance.objects.get(booking=booking)
    assert (row.status, row.overridden_by) == ("attended", "asha")
