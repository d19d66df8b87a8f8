"""The inspect page: every field readable, each party's clock, Zoom state, the audit trail."""

import re
from datetime import UTC, timedelta

from django.urls import reverse

from tests.booking_admin.conftest import add_meeting, cancel_url, inspect_url, local
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import links


def page(client, booking):
    response = client.get(inspect_url(booking))
    assert response.status_code == 200
    return response.content.decode()


def day_label(moment):
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def test_inspect_shows_the_time_on_the_hosts_and_the_attendees_clock_and_in_utc(
    admin_client, booking
):
    html = page(admin_client, booking)

    start = local(3, 10)
    new_york = booking.start.astimezone(booking.attendee_zoneinfo)
    utc = booking.start.astimezone(UTC)
    assert f"{day_label(start)}, 10:00–10:30 IST (Asia/Kolkata)" in html
    assert f"{day_label(new_york)}, {new_york:%H:%M}–" in html
    assert "(America/New_York)" in html
    assert f"{utc:%Y-%m-%d} 04:30</time>–" in html


def test_inspect_shows_attendee_and_booking_fields(admin_client, book):
    booking = book(local(3, 10), notes="Bring the pricing sheet")

    html = page(admin_client, booking)

    for text in (
        booking.public_id,
        "Dana Scully",
        "dana@example.com",
        "America/New_York",
        "Bring the pricing sheet",
        "Product Demo",
        "Meera Nair",
        "30 minutes",
        "Confirmed",
    ):
        assert text in html


def test_inspect_lists_the_audit_trail_oldest_first_with_kind_message_and_actor(
    admin_client, booking
):
    booking_service.cancel(booking, reason="Double booked", actor="ops@example.com")

    html = page(admin_client, booking)

    trail = html[html.index("pmc-trail-heading") :]
    booked, cancelled = trail.index("Booked."), trail.index("Cancelled.")
    assert booked < cancelled
    assert "Double booked" in trail[cancelled:]
    assert "ops@example.com" in trail[cancelled:]
    assert re.search(r"<td>\s*attendee\s*</td>", trail)


def test_inspect_shows_the_zoom_meetings_state_and_details(admin_client, booking):
    retry = local(3, 8).astimezone(UTC).replace(minute=7)
    add_meeting(
        booking,
        "pending",
        zoom_meeting_id=91234567890,
        zoom_user="meera@example.com",
        join_url="https://zoom.us/j/91234567890",
        passcode="k3Yp9x",
        attempts=3,
        last_error="Zoom answered HTTP 503",
        next_attempt_at=retry,
    )

    html = page(admin_client, booking)

    zoom = html[html.index("pmc-zoom-heading") : html.index("pmc-trail-heading")]
    for text in (
        "Pending",
        "91234567890",
        'href="https://zoom.us/j/91234567890"',
        "k3Yp9x",
        "<dd>3</dd>",
        "Zoom answered HTTP 503",
        f"{retry:%Y-%m-%d %H:%M}:00 UTC",
    ):
        assert text in zoom


def test_inspect_says_when_there_is_no_zoom_meeting_yet(admin_client, booking):
    assert "No Zoom meeting record yet." in page(admin_client, booking)


def test_inspect_never_shows_the_attendees_manage_token(admin_client, booking):
    html = page(admin_client, booking)

    assert links.manage_token_for(booking) not in html
    assert booking.manage_token_hash not in html
    assert booking.token_nonce not in html


def test_inspect_offers_cancel_for_a_confirmed_booking(admin_client, booking):
    assert f'href="{cancel_url(booking)}"' in page(admin_client, booking)


def test_inspect_of_a_cancelled_booking_offers_no_cancel(admin_client, booking):
    booking_service.cancel(booking)

    html = page(admin_client, booking)

    assert cancel_url(booking) not in html
    assert "Cancelled" in html


def test_inspect_offers_resync_that_comes_back_here(admin_client, booking):
    html = page(admin_client, booking)

    resync = reverse("pmc_zoom:resync", args=[booking.public_id])
    form = html[html.index(f'action="{resync}"') :]
    assert f'name="next" value="{inspect_url(booking)}"' in form[: form.index("</form>")]


def test_resync_from_the_inspect_page_makes_the_failed_meeting(admin_client, booking):
    add_meeting(booking, "failed", last_error="Zoom answered HTTP 500", attempts=5)

    response = admin_client.post(
        reverse("pmc_zoom:resync", args=[booking.public_id]), {"next": inspect_url(booking)}
    )

    assert response["Location"] == inspect_url(booking)
    booking.meeting.refresh_from_db()
    assert booking.meeting.state == "synced"


def test_inspect_offers_start_meeting_once_the_meeting_exists_in_zoom(admin_client, booking):
    add_meeting(booking, "synced", zoom_meeting_id=91234567890, synced_sequence=0)

    html = page(admin_client, booking)

    start = reverse("pmc_zoom:start", args=[booking.public_id])
    assert f'href="{start}"' in html
    assert "zoom.us/s/" not in html


def test_inspect_offers_no_start_meeting_before_the_meeting_exists(admin_client, booking):
    add_meeting(booking, "pending", attempts=1, next_attempt_at=local(1, 9) - timedelta(days=1))

    assert reverse("pmc_zoom:start", args=[booking.public_id]) not in page(admin_client, booking)


def test_inspect_of_an_unknown_booking_is_not_found(admin_client, db):
    assert admin_client.get(reverse("pmc_bookings:inspect", args=[404])).status_code == 404
