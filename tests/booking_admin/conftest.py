"""Fixtures of the bookings admin: hosts open all week, accounts, bookings via ``book()``.

The listing and the dashboard read the real clock ("upcoming", "today"), so bookings
are placed relative to today. They are all made as if booked three weeks ago
(``BOOKED_AT``), which lets a test book meetings that are already over.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import ZoomMeeting

KOLKATA = ZoneInfo("Asia/Kolkata")
BERLIN = ZoneInfo("Europe/Berlin")
OPEN_ALL_WEEK = {day: [(time(6), time(22))] for day in range(7)}
BOOKED_AT = datetime.now(UTC) - timedelta(days=21)
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}

INDEX = "pmc_bookings:index"


def local(days, hour, minute=0, zone=KOLKATA):
    """``hour:minute`` on the wall clock of ``zone``, ``days`` after today (UTC)."""
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def index_url(query=""):
    return reverse(INDEX) + query


def inspect_url(booking):
    return reverse("pmc_bookings:inspect", args=[booking.pk])


def cancel_url(booking):
    return reverse("pmc_bookings:cancel", args=[booking.pk])


def listed(client, query=""):
    """The bookings on the listing's first page, in order."""
    response = client.get(index_url(query))
    assert response.status_code == 200
    return list(response.context["object_list"])


def messages_of(response):
    """The admin messages ("Booking … cancelled.") the response's request queued."""
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def assert_denied(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def add_meeting(booking, state, **fields):
    """A Zoom meeting record in a given state (what the sync would leave behind)."""
    return ZoomMeeting.objects.create(booking=booking, state=state, **fields)


@pytest.fixture
def owner(admin_access_group):
    return factories.make_user("meera", admin_access_group)


@pytest.fixture
def host(owner):
    return factories.make_host(
        name="Meera Nair", slug="meera", user=owner, timezone="Asia/Kolkata", windows=OPEN_ALL_WEEK
    )


@pytest.fixture
def other_host(admin_access_group):
    """Ravi's higher priority makes him lead collective meetings (the Zoom host)."""
    return factories.make_host(
        name="Ravi Iyer",
        slug="ravi",
        user=factories.make_user("ravi", admin_access_group),
        timezone="Europe/Berlin",
        windows=OPEN_ALL_WEEK,
        priority=3,
    )


@pytest.fixture
def demo(host, other_host):
    return factories.make_meeting_type(
        hosts=[host, other_host],
        name="Product Demo",
        slug="product-demo",
        slot_interval_minutes=15,
    )


@pytest.fixture
def interview(host):
    return factories.make_meeting_type(
        hosts=[host], name="Interview", slug="interview", slot_interval_minutes=15
    )


@pytest.fixture
def book(demo, host):
    """Book like an attendee three weeks ago; the host is ``host`` unless named."""

    def book(start, *, meeting_type=demo, host=host, **fields):
        fields = {**ATTENDEE, "now": BOOKED_AT, **fields}
        return booking_service.book(meeting_type, start=start, host=host, **fields).booking

    return book


@pytest.fixture
def booking(book):
    """In three days, 10:00–10:30 in Kolkata."""
    return book(local(3, 10))


@pytest.fixture
def co_hosted(host, other_host):
    """A collective meeting led by Ravi with Meera as co-host, in four days."""
    collective = factories.make_meeting_type(
        hosts=[host, other_host], name="Panel", slug="panel", assignment="collective"
    )
    booking = booking_service.book(
        collective,
        start=local(4, 12),  # 12:00 in Kolkata is 07:30 in Berlin: both are open
        attendee_name="Fox Mulder",
        attendee_email="fox@example.com",
        attendee_timezone="UTC",
        now=BOOKED_AT,
    ).booking
    assert (booking.host, list(booking.co_hosts.all())) == (other_host, [host])
    return booking


@pytest.fixture
def owner_client(client, owner, host):
    client.force_login(owner)
    return client


@pytest.fixture
def manager_client(client, admin_access_group):
    """A site admin by group: every permission of the app's models."""
    group = Group.objects.create(name="Booking managers")
    group.permissions.add(
        *admin_access_group.permissions.all(),
        *Permission.objects.filter(content_type__app_label="wagtail_pmc_booking"),
    )
    client.force_login(factories.make_user("manager", group))
    return client


@pytest.fixture
def viewer_client(client, admin_access_group):
    """A site admin who may look at bookings but not cancel them."""
    group = Group.objects.create(name="Booking viewers")
    group.permissions.add(
        *admin_access_group.permissions.all(),
        Permission.objects.get(
            content_type__app_label="wagtail_pmc_booking", codename="view_booking"
        ),
    )
    client.force_login(factories.make_user("viewer", group))
    return client


@pytest.fixture
def hostless_client(client, admin_access_group):
    """May log in to the admin but owns no host and holds no booking permission."""
    client.force_login(factories.make_user("visitor", admin_access_group))
    return client
