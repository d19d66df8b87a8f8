"""Sandbox bookings (made with ``pmc_test_`` keys) stay in the Zoom sandbox for life.

Every test runs with the live backend pointed at the fake Zoom, so any request a sandbox
booking made would show up in ``fake_zoom.calls``.
"""

import pytest

from tests import factories
from tests.zoom_lifecycle.conftest import at, meeting_of
from tests.zoom_lifecycle.test_webhooks import SECRET, deleted_event, post_event
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.sandbox import SandboxZoomClient, reset_sandbox
from wagtail_pmc_booking.zoom.sweep import sweep

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")


@pytest.fixture(autouse=True)
def empty_sandbox():
    reset_sandbox()
    yield
    reset_sandbox()


def sandbox_meeting(booking):
    return SandboxZoomClient().get_meeting(meeting_of(booking).zoom_meeting_id)


def test_a_sandbox_booking_booked_moved_and_cancelled_never_calls_live_zoom(
    fake_zoom, book, reschedule, cancel
):
    booking = book(at(10), sandbox=True)
    made = meeting_of(booking)
    assert (made.state, made.is_sandbox) == ("synced", True)
    assert "pmc_sandbox=1" in made.join_url

    reschedule(booking, at(12))
    assert sandbox_meeting(booking).start_time == at(12)
    cancel(booking)

    assert meeting_of(booking).state == "deleted"
    assert fake_zoom.calls == [] and fake_zoom.token_requests == 0


def test_a_live_booking_booked_moved_and_cancelled_calls_live_zoom_each_time(
    fake_zoom, book, reschedule, cancel
):
    booking = book(at(10))
    reschedule(booking, at(12))
    cancel(booking)

    assert [call.method for call in fake_zoom.calls] == ["POST", "PATCH", "DELETE"]
    assert not meeting_of(booking).is_sandbox


def test_the_sweep_makes_an_owed_sandbox_meeting_in_the_sandbox(fake_zoom, meeting_type, host):
    booking = factories.make_booking_row(
        meeting_type, host, at(10), buffers=(0, 0), is_sandbox=True
    )

    report = sweep()

    assert report.ids(Action.CREATED) == [booking.public_id]
    assert meeting_of(booking).is_sandbox
    assert sandbox_meeting(booking).agenda.startswith(f"[pmc:{booking.public_id}]")
    assert fake_zoom.calls == []


def test_a_webhook_resync_of_a_sandbox_meeting_stays_in_the_sandbox(
    client, fake_zoom, book, settings
):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ZOOM_WEBHOOK_SECRET": SECRET}
    booking = book(at(10), sandbox=True)
    old_id = meeting_of(booking).zoom_meeting_id
    SandboxZoomClient().delete_meeting(old_id)

    assert post_event(client, deleted_event(old_id)).json() == {"status": "ok"}
    assert meeting_of(booking).state == "pending"
    report = sweep()

    assert report.ids(Action.CREATED) == [booking.public_id]
    assert sandbox_meeting(booking).id == meeting_of(booking).zoom_meeting_id  # made anew
    assert fake_zoom.calls == []


def test_staff_starting_a_sandbox_meeting_get_a_sandbox_start_link(admin_client, fake_zoom, book):
    booking = book(at(10), sandbox=True)

    response = admin_client.get(f"/admin/pmc-zoom/{booking.public_id}/start/")

    assert response.status_code == 302
    assert response["Location"].endswith("?pmc_sandbox=1")
    assert fake_zoom.calls == []
