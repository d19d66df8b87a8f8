"""Every page that mounts the widget hands it Django's translated texts in its config."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.browser.helpers import ensure_home
from tests.testapp.models import BlockPage
from wagtail_pmc_booking import availability
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import BookingPage
from wagtail_pmc_booking.widget import widget_config, widget_strings


def widget_of(response):
    match = re.search(r'<script type="application/json">(.+?)</script>', response.content.decode())
    assert match, "the page mounts no widget"
    return json.loads(match.group(1))


def assert_has_strings(config):
    assert config["strings"] == widget_strings()
    assert config["language"] == "en"


def test_strings_come_from_gettext_with_django_placeholders():
    strings = widget_strings()
    assert strings["pickTitle"] == "Select a date & time"
    assert strings["rebook"] == "Rebook %(time)s"
    assert strings["timesOn"]["1"] == "%(n)s time available on %(date)s"
    assert strings["timesOn"]["2"] == "%(n)s times available on %(date)s"
    assert strings["timesOn"]["0"] == "%(n)s times available on %(date)s"


def test_the_config_names_the_language_of_its_strings(product_demo):
    with translation.override("de"):
        assert widget_config(product_demo)["language"] == "de"


def test_the_embed_frame_passes_the_strings(client, product_demo):
    response = client.get(reverse("wagtail_pmc_booking:embed_frame", args=["product-demo"]))
    assert_has_strings(widget_of(response))


@pytest.fixture
def home(db):
    return ensure_home()


def test_the_booking_page_passes_the_strings(client, home, product_demo):
    page = home.add_child(
        instance=BookingPage(title="Book", slug="book", meeting_type=product_demo)
    )
    assert_has_strings(widget_of(client.get(page.url)))


def test_the_streamfield_block_passes_the_strings(client, home, product_demo):
    page = home.add_child(
        instance=BlockPage(
            title="Talk to us",
            slug="talk-to-us",
            body=[("booking_calendar", {"heading": "Book", "meeting_type": product_demo})],
        )
    )
    assert_has_strings(widget_of(client.get(page.url)))


@pytest.mark.parametrize("name", ["booking", "reschedule", "cancel"])
def test_the_manage_pages_pass_the_strings(client, product_demo, name):
    start = availability.next_slots(product_demo, 30, after=timezone.now(), count=1)[0].start
    result = booking_service.book(
        product_demo,
        start=start,
        duration=30,
        attendee_name="Dana Scully",
        attendee_email="dana@example.com",
        attendee_timezone="America/New_York",
    )
    url = reverse(f"wagtail_pmc_booking:manage_{name}", args=[result.manage_token])
    assert_has_strings(widget_of(client.get(url)))
