"""Fixtures of the Zoom lifecycle tests: bookings in the real future, through ``book()``.

The fake Zoom lists "upcoming" meetings by the real clock (as Zoom does), so bookings
here are made a few days ahead of now rather than on a frozen calendar.
"""

import time as time_module
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from tests import factories
from tests.zoom_fake.fixtures import fake_zoom, zoom_client
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, ZoomMeeting
from wagtail_pmc_booking.zoom import webhooks

__all__ = ["fake_zoom", "zoom_client"]

# Every day 06:00–22:00 UTC, so any test can find a free half hour.
OPEN_ALL_WEEK = {day: [(time(6), time(22))] for day in range(7)}
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


def day(offset=3):
    """Midnight UTC ``offset`` days from now: far enough for the minimum notice."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=offset)


def at(hour, minute=0, offset=3):
    return day(offset) + timedelta(hours=hour, minutes=minute)


@pytest.fixture(autouse=True)
def clean_slate():
    """Tokens, locks and the Huey schedule (where retries wait) start empty."""
    cache.clear()
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()
    cache.clear()


@pytest.fixture
def make_host(db):
    def make_host(**fields):
        fields.setdefault("timezone", "UTC")
        fields.setdefault("buffer_before_minutes", 0)
        fields.setdefault("buffer_after_minutes", 0)
        return factories.make_host(windows=OPEN_ALL_WEEK, **fields)

    return make_host


@pytest.fixture
def host(make_host):
    return make_host(name="Asha Rao", slug="asha", zoom_user="asha@example.com")


def make_meeting_type(**fields):
    """Starts every quarter hour, so a test can book whatever time it names."""
    fields.setdefault("slot_interval_minutes", 15)
    return factories.make_meeting_type(**fields)


@pytest.fixture
def meeting_type(host):
    return make_meeting_type(
        hosts=[host], name="Product Demo", slug="product-demo", assignment="round_robin"
    )


@pytest.fixture
def book(committed, meeting_type):
    def book(start, meeting_type=meeting_type, **fields):
        fields = {**ATTENDEE, **fields}
        return committed(booking_service.book, meeting_type, start=start, **fields).booking

    return book


@pytest.fixture
def reschedule(committed):
    def reschedule(booking, start, **fields):
        return committed(booking_service.reschedule, booking, start=start, **fields).booking

    return reschedule


@pytest.fixture
def cancel(committed):
    def cancel(booking, **fields):
        return committed(booking_service.cancel, booking, **fields).booking

    return cancel


def meeting_of(booking):
    return ZoomMeeting.objects.get(booking_id=booking.pk)


def reload(booking):
    return Booking.objects.get(pk=booking.pk)


WEBHOOK_URL = "/v1/integrations/zoom/webhook"
WEBHOOK_SECRET = "webhook-secret-for-tests"


def post_signed(client, body):
    """Raw ``body`` bytes, correctly signed: what Zoom (or someone with the secret) sends."""
    sent = str(int(time_module.time()))
    return client.post(
        WEBHOOK_URL,
        body,
        content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=sent,
        HTTP_X_ZM_SIGNATURE=webhooks.sign(WEBHOOK_SECRET, sent, body),
    )


def fake_meetings_for(fake, booking):
    """The fake's meetings whose agenda names ``booking``: never more than one."""
    marker = f"[pmc:{booking.public_id}]"
    return [m for m in fake.meetings.values() if marker in (m.get("agenda") or "")]
