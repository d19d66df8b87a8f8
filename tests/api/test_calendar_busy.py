"""A time the host's calendar marks busy is 409 slot_unavailable on the API."""

from datetime import datetime, timedelta

import pytest

from tests.api.conftest import BOOKING_REQUEST, NOW
from tests.api.helpers import assert_error, database_state, post
from wagtail_pmc_booking.models import BusyTime, HostCalendar

pytestmark = pytest.mark.django_db


def test_a_busy_calendar_time_is_409_and_nothing_changes(client, product_demo):
    host = product_demo.hosts.get()
    calendar = HostCalendar.objects.create(
        host=host,
        name="Work",
        kind="ics",
        url="https://calendar.example.com/w.ics",
        last_synced_at=NOW,
    )
    start = datetime.fromisoformat(BOOKING_REQUEST["start"])
    BusyTime.objects.create(
        calendar=calendar, host=host, start=start, end=start + timedelta(minutes=30)
    )
    before = database_state()
    assert_error(post(client, "/v1/bookings", BOOKING_REQUEST), 409, "slot_unavailable")
    assert database_state() == before
