"""The change cutoff: inside ``minimum_change_notice_minutes`` before the start (and ever
after the start) the attendee cannot reschedule or cancel online; admins and API keys can.

The attendee's path starts at the link in the confirmation email.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from tests.api.helpers import assert_error, post
from tests.booking.conftest import ATTENDEE, NOW, ist
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import TooLate
from wagtail_pmc_booking.models import ApiKey, Booking
from wagtail_pmc_booking.models.api_keys import Scope

START = ist(13, 10)  # Monday 13 April 2026, 10:00 in Kolkata
TOO_LATE = "It is too late to change this booking online. Reply to your invitation email"


@pytest.fixture
def demo(product_demo):
    product_demo.minimum_change_notice_minutes = 24 * 60
    product_demo.save()
    return product_demo


@pytest.fixture
def booked(demo, committed):
    return committed(booking_service.book, demo, start=START, now=NOW, **ATTENDEE).booking


def emailed(kind):
    """The ``kind`` link ("reschedule" or "cancel") of the confirmation the attendee got."""
    (message,) = [m for m in mail.outbox if "dana@example.com" in m.to[0]]
    return re.search(rf"https?://[^/\s]+(/\S+/manage/\w+/{kind}/)", message.body).group(1)


def state(booking):
    row = Booking.objects.get(pk=booking.pk)
    return row.status, row.start, row.sequence


def test_before_the_cutoff_the_attendee_changes_freely(booked):
    moved = booking_service.reschedule(booked, start=ist(13, 11), now=START - timedelta(days=2))
    assert moved.booking.start == ist(13, 11)


@pytest.mark.parametrize("change", ["reschedule", "cancel"])
@pytest.mark.parametrize(
    "before_start",
    [timedelta(hours=23), timedelta(0), -timedelta(hours=1)],
    ids=["in", "at", "after"],
)
def test_inside_the_cutoff_the_attendee_gets_too_late(booked, change, before_start):
    before = state(booked)
    with pytest.raises(TooLate):
        if change == "cancel":
            booking_service.cancel(booked, now=START - before_start)
        else:
            booking_service.reschedule(booked, start=ist(14, 10), now=START - before_start)
    assert state(booked) == before


def test_without_a_cutoff_the_attendee_changes_until_the_start(booked, demo):
    demo.minimum_change_notice_minutes = 0
    demo.save()
    cancelled = booking_service.cancel(booked, now=START - timedelta(minutes=1)).booking
    assert cancelled.status == "cancelled"


def test_the_start_passed_is_too_late_even_without_a_cutoff(product_demo, committed):
    booking = committed(
        booking_service.book, product_demo, start=START, now=NOW, **ATTENDEE
    ).booking
    with pytest.raises(TooLate):
        booking_service.cancel(booking, now=START + timedelta(minutes=1))


def test_an_admin_changes_inside_the_cutoff(booked):
    result = booking_service.cancel(booked, now=START - timedelta(hours=1), actor="admin")
    assert result.booking.status == "cancelled"


def test_the_emailed_cancel_link_inside_the_cutoff_shows_the_booking_and_why(client, booked):
    url = emailed("cancel")
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        page = client.get(url)
        refused = client.post(url, {"reason": "Sorry"})

    assert page.status_code == 200
    html = page.content.decode()
    assert TOO_LATE in html
    assert "Product Demo" in html and 'name="reason"' not in html
    assert refused.status_code == 409
    assert TOO_LATE in refused.content.decode()
    assert state(booked)[0] == "confirmed"


def test_the_emailed_reschedule_link_inside_the_cutoff_offers_no_times(client, booked):
    url = emailed("reschedule")
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        page = client.get(url)
        refused = client.post(url, {"start": ist(14, 10).isoformat()})

    assert TOO_LATE in page.content.decode()
    assert 'name="start"' not in page.content.decode()
    assert refused.status_code == 409
    assert state(booked)[1] == START


def test_the_api_answers_409_too_late_to_the_manage_token(client, booked):
    token = re.search(r"/manage/(\w+)/cancel/", emailed("cancel")).group(1)
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        cancel = post(client, f"/v1/bookings/{booked.public_id}/cancel", {"token": token})
        move = post(
            client,
            f"/v1/bookings/{booked.public_id}/reschedule",
            {"token": token, "start": ist(14, 10).isoformat()},
        )

    assert_error(cancel, 409, "too_late")
    assert_error(move, 409, "too_late")
    assert state(booked)[0] == "confirmed"


def test_an_api_key_changes_inside_the_cutoff(client, booked):
    key = ApiKey.issue(name="CRM", scopes=[Scope.BOOKINGS_WRITE, Scope.BOOKINGS_READ])[1]
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        response = post(client, f"/v1/bookings/{booked.public_id}/cancel", {}, key=key)

    assert response.status_code == 200, response.content
    assert state(booked)[0] == "cancelled"
