"""The booking's ``meeting``: derived from the Zoom record, never exposing host secrets."""

import pytest

from tests.api.helpers import get
from wagtail_pmc_booking.models import Booking, ZoomMeeting

pytestmark = pytest.mark.django_db


def meeting_of(client, booked, key):
    return get(client, f"/v1/bookings/{booked['bookingId']}", key).json()["meeting"]


def record(**fields):
    booking = Booking.objects.get()
    ZoomMeeting.objects.update_or_create(booking=booking, defaults=fields)


def test_a_synced_meeting_is_created_with_join_url_and_passcode(client, booked, reader_key):
    record(
        state="synced",
        zoom_meeting_id=987654321,
        join_url="https://zoom.us/j/987654321",
        passcode="PMC456",
    )
    assert meeting_of(client, booked, reader_key) == {
        "provider": "zoom",
        "status": "created",
        "meetingId": "987654321",
        "meetingUrl": "https://zoom.us/j/987654321",
        "passcode": "PMC456",
    }


@pytest.mark.parametrize("state", ["pending", "failed"])
def test_a_meeting_still_owed_is_pending_without_link(client, booked, reader_key, state):
    record(state=state, join_url="https://zoom.us/j/1", passcode="x")
    meeting = meeting_of(client, booked, reader_key)
    assert meeting["status"] == "pending"
    assert meeting["meetingUrl"] is None and meeting["passcode"] is None


def test_no_record_yet_is_pending_when_zoom_is_on(client, booked, reader_key):
    ZoomMeeting.objects.all().delete()
    assert meeting_of(client, booked, reader_key)["status"] == "pending"


def test_no_record_is_skipped_when_the_meeting_type_has_zoom_off(
    client, booked, reader_key, product_demo
):
    ZoomMeeting.objects.all().delete()
    product_demo.zoom_enabled = False
    product_demo.save()
    assert meeting_of(client, booked, reader_key)["status"] == "skipped"


@pytest.mark.parametrize("state", ["skipped", "deleted"])
def test_skipped_and_deleted_meetings_say_so(client, booked, reader_key, state):
    record(state=state)
    assert meeting_of(client, booked, reader_key)["status"] == state
