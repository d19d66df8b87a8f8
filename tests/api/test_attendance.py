"""``attendance`` in the API's booking object: what Zoom's events or a person decided."""

import pytest

from tests.api.helpers import get
from wagtail_pmc_booking.models import Attendance, Booking

pytestmark = pytest.mark.django_db


def listed(client, key):
    response = get(client, "/v1/bookings", key)
    assert response.status_code == 200, response.content
    return {item["bookingId"]: item["attendance"] for item in response.json()["results"]}


def test_a_new_booking_is_unknown(client, booked, reader_key):
    assert booked["attendance"] == "unknown"
    assert listed(client, reader_key) == {booked["bookingId"]: "unknown"}


@pytest.mark.parametrize("status", ["attended", "no_show", "unknown"])
def test_the_list_and_the_booking_show_the_verdict(client, booked, reader_key, status):
    booking = Booking.objects.get(public_id=booked["bookingId"])
    Attendance.objects.create(booking=booking, status=status)

    assert listed(client, reader_key) == {booked["bookingId"]: status}
    one = get(client, f"/v1/bookings/{booked['bookingId']}", reader_key).json()
    assert one["attendance"] == status
