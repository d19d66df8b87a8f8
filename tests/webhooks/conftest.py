"""Fixtures of the webhook engine: a clock held still, a bookable meeting type, a real
loopback receiver and an endpoint pointing at it."""

from datetime import UTC, datetime, time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tests.webhook_fake.receiver import WebhookReceiver
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint

# Tuesday 1 December 2026, 09:00 UTC; meetings from Monday 7 December.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ALL_WEEK = {day: [(time(6), time(22))] for day in range(7)}
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "Europe/Berlin",
}


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """Time stands at ``NOW`` until a test moves it (``clock.move_to``/``shift``)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def host(db):
    return factories.make_host(
        windows=ALL_WEEK, buffer_before_minutes=0, buffer_after_minutes=0, timezone="UTC"
    )


@pytest.fixture
def meeting_type(host):
    """Without Zoom, so each change is one event (``zoom_meeting_type`` has meetings)."""
    return factories.make_meeting_type(
        hosts=[host],
        name="Product Demo",
        minimum_notice_minutes=0,
        default_duration=30,
        zoom_enabled=False,
    )


@pytest.fixture
def zoom_meeting_type(host):
    """Meetings made by the Zoom sandbox backend (the test settings' backend)."""
    return factories.make_meeting_type(
        hosts=[host], name="Zoom Demo", minimum_notice_minutes=0, default_duration=30
    )


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def endpoint(db, receiver):
    """An endpoint for every event at the receiver, which knows its secret."""
    made = WebhookEndpoint.objects.create(url=receiver.url, description="CRM")
    receiver.secret = made.secret
    return made


@pytest.fixture
def book(clock, committed, meeting_type):
    """Book as an attendee would, now, with the after-commit work (the webhooks) done."""

    def book(start=None, meeting_type=meeting_type, **fields):
        return committed(
            booking_service.book,
            meeting_type,
            start=start or at(7),
            now=timezone.now(),
            **{**ATTENDEE, **fields},
        ).booking

    return book


@pytest.fixture
def run_command():
    """``manage.py pmc_deliver_webhooks``; its output."""

    def run_command():
        out = StringIO()
        call_command("pmc_deliver_webhooks", stdout=out)
        return out.getvalue()

    return run_command


def deliveries(**filters):
    return list(WebhookDelivery.objects.filter(**filters).order_by("pk"))
