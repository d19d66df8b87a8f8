"""Issue 9's fixes on the attendee's links: one manage experience, offers used once,
one winner per token, names that cannot break an email, rate limits."""

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, Site

from tests.booking.conftest import ATTENDEE, NOW, ist, url
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import links
from wagtail_pmc_booking.exceptions import BookingChanged, InvalidBookingRequest
from wagtail_pmc_booking.models import Booking, BookingPage

pytestmark = pytest.mark.usefixtures("frozen_now")


def widget_of(response):
    """The attendee widget's JSON config on a page."""
    match = re.search(r'<script type="application/json">(.+?)</script>', response.content.decode())
    assert match, "the page mounts no widget"
    return json.loads(match.group(1))


# One manage experience -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode"), [("booking", "confirmed"), ("reschedule", "reschedule"), ("cancel", "cancel")]
)
def test_each_manage_page_is_the_widget_in_its_mode_with_a_no_js_fallback(
    client, created, name, mode
):
    response = client.get(url(name, created.manage_token))
    assert response.status_code == 200
    widget = widget_of(response)
    assert widget["mode"] == mode
    assert widget["token"] == created.manage_token
    assert widget["booking"]["bookingId"] == created.booking.public_id
    assert widget["booking"]["start"] == "2026-04-13T04:30:00Z"
    assert "<noscript>" in response.content.decode()
    invite = widget["inviteUrl"].replace("{token}", created.manage_token)
    assert invite == url("invite", created.manage_token)


def test_no_manage_page_asks_the_browser_to_drop_the_referrer(client, created):
    """``no-referrer`` makes Chromium send ``Origin: null`` with the form: CSRF says 403."""
    booking_service.cancel(
        booking_service.book(created.booking.meeting_type, start=ist(14, 10), **ATTENDEE).booking,
        now=NOW,
    )
    pages = [
        url(name, created.manage_token) for name in ("booking", "reschedule", "cancel", "invite")
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-referrer" not in response.content.decode()


def test_a_post_with_the_origin_chromium_sends_passes_csrf(created):
    """The browser's real request: the Origin of the page, a CSRF cookie and the field."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url("cancel", created.manage_token))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = browser.post(
        url("cancel", created.manage_token),
        {"csrfmiddlewaretoken": token, "reason": "Clash"},
        HTTP_ORIGIN="http://testserver",
        HTTP_REFERER="http://testserver" + url("cancel", created.manage_token),
    )
    assert response.status_code == 200
    assert Booking.objects.get().status == "cancelled"


@pytest.fixture
def booking_page(db, created):
    root = Site.objects.get(is_default_site=True).root_page
    page = BookingPage(title="Book", slug="book", meeting_type=created.booking.meeting_type)
    root.add_child(instance=page)
    return page


@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("manage/{t}/reschedule/", "reschedule"),
        ("manage/{t}/cancel/", "cancel"),
        ("confirmed/{t}/", "booking"),
    ],
)
def test_the_booking_pages_old_manage_routes_redirect_to_the_one_set(
    client, created, booking_page, route, name
):
    response = client.get(booking_page.url + route.format(t=created.manage_token))
    assert response.status_code == 302
    assert response["Location"] == url(name, created.manage_token)
    assert client.get(response["Location"]).status_code == 200


def test_the_invite_download_is_the_emailed_invite(client, created, mailoutbox, committed):
    response = client.get(url("invite", created.manage_token))
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(created.booking.public_id)
    assert event.decoded("DTSTART") == ist(13, 10)
    assert int(event["SEQUENCE"]) == created.booking.sequence
    assert client.get(url("invite", "0" * 40)).status_code == 404


# Links point where the site is ------------------------------------------------------


def test_links_use_base_url_first(settings, created):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "BASE_URL": "https://book.example.org/",
    }
    assert links.manage_urls(created.booking)["cancel"] == (
        f"https://book.example.org/booking/manage/{created.manage_token}/cancel/"
    )


def test_without_base_url_links_follow_the_site_that_serves_the_booking_page(
    settings, created, booking_page
):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "BASE_URL": ""}
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    other_root = Page.get_first_root_node().add_child(title="Other", slug="other")
    Site.objects.create(hostname="demo.local", port=8123, root_page=other_root)
    booking_page.move(other_root, pos="last-child")
    assert links.absolute_url("/x/", booking=created.booking) == "http://demo.local:8123/x/"
    assert links.absolute_url("/x/") == "http://localhost/x/"  # the default Site


# Offers used once ----------------------------------------------------------------------


def test_one_offer_posted_twice_on_a_pool_makes_one_booking(client, make_pool):
    meeting_type, hosts = make_pool(count=2)
    start = datetime(2026, 4, 14, 9, tzinfo=UTC)
    old = booking_service.book(meeting_type, start=start, **ATTENDEE, now=NOW).booking
    booking_service.cancel(old, now=NOW)
    offer = links.rebook_offer(old, start + timedelta(hours=1))

    first = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    second = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    made = Booking.objects.confirmed().get()
    assert made.rebooked_from == old


def test_a_second_offer_of_the_same_cancelled_booking_answers_the_first_rebooking(make_pool):
    meeting_type, _ = make_pool(count=2)
    start = datetime(2026, 4, 14, 9, tzinfo=UTC)
    old = booking_service.book(meeting_type, start=start, **ATTENDEE, now=NOW).booking
    booking_service.cancel(old, now=NOW)
    one = booking_service.rebook(links.rebook_offer(old, start + timedelta(hours=1)), now=NOW)
    other = booking_service.rebook(links.rebook_offer(old, start + timedelta(hours=3)), now=NOW)
    assert one.booking.pk == other.booking.pk
    assert Booking.objects.confirmed().count() == 1


def test_a_rebooking_cancelled_since_leaves_its_offers_used(client, make_pool):
    meeting_type, _ = make_pool(count=1)
    start = datetime(2026, 4, 14, 9, tzinfo=UTC)
    old = booking_service.book(meeting_type, start=start, **ATTENDEE, now=NOW).booking
    booking_service.cancel(old, now=NOW)
    offer = links.rebook_offer(old, start + timedelta(hours=1))
    booking_service.cancel(booking_service.rebook(offer, now=NOW).booking, now=NOW)

    response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 404
    assert not Booking.objects.confirmed().exists()


def test_a_rebooking_of_a_sandbox_booking_stays_in_the_sandbox(make_pool):
    meeting_type, _ = make_pool(count=1)
    start = datetime(2026, 4, 14, 9, tzinfo=UTC)
    old = booking_service.book(meeting_type, start=start, **ATTENDEE, now=NOW, sandbox=True).booking
    booking_service.cancel(old, now=NOW)
    made = booking_service.rebook(links.rebook_offer(old, start + timedelta(hours=1)), now=NOW)
    assert made.booking.is_sandbox


# One winner per token ------------------------------------------------------------------


def test_a_change_asked_with_a_token_that_another_change_rotated_is_refused(created):
    opened = links.get_by_manage_token(created.manage_token)  # both requests opened it
    booking_service.reschedule(opened, start=ist(14, 10), token=created.manage_token, now=NOW)

    with pytest.raises(BookingChanged):
        booking_service.cancel(opened, token=created.manage_token, now=NOW)
    booking = Booking.objects.get()
    assert booking.status == "confirmed" and booking.start == ist(14, 10)


def test_the_page_answers_the_losing_change_with_the_invalid_link_page(client, created):
    path = url("cancel", created.manage_token)
    page = client.get(path)
    assert page.status_code == 200
    opened = links.get_by_manage_token(created.manage_token)
    with mock.patch.object(links, "get_by_manage_token", return_value=opened):
        booking_service.reschedule(opened, start=ist(14, 10), token=created.manage_token, now=NOW)
        response = client.post(path, {"reason": "late"})
    assert response.status_code == 404
    assert Booking.objects.get().status == "confirmed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_reschedule_and_cancel_with_one_token_have_one_winner(book_slot):
    created = book_slot(ist(13, 10))
    token = created.manage_token
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(name, change):
        opened = links.get_by_manage_token(token)
        barrier.wait()
        try:
            change(opened)
            outcomes[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - the loser's error is the assertion
            outcomes[name] = type(exc).__name__
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "reschedule",
                lambda b: booking_service.reschedule(b, start=ist(14, 10), token=token, now=NOW),
            ),
        ),
        threading.Thread(
            target=run, args=("cancel", lambda b: booking_service.cancel(b, token=token, now=NOW))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) in (["BookingChanged", "ok"], ["BookingCancelled", "ok"])
    booking = Booking.objects.get()
    if outcomes["cancel"] == "ok":
        assert booking.status == "cancelled" and booking.start == ist(13, 10)
    else:
        assert booking.status == "confirmed" and booking.start == ist(14, 10)


# Names that cannot break an email -----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Eve\r\nBcc: victim@example.com", "Eve\nX", "Eve\x00", "Eve\u2028X", "Eve\x1b[31m"]
)
def test_control_characters_in_the_name_are_refused_and_nothing_is_written(created, name):
    with pytest.raises(InvalidBookingRequest) as caught:
        booking_service.book(
            created.booking.meeting_type,
            start=ist(14, 10),
            **{**ATTENDEE, "attendee_name": name},
            now=NOW,
        )
    assert "attendee_name" in caught.value.fields
    assert Booking.objects.count() == 1


def test_notes_keep_their_lines_but_not_other_control_characters(created):
    meeting_type = created.booking.meeting_type
    kept = booking_service.book(
        meeting_type, start=ist(14, 10), **ATTENDEE, notes="Line 1\nLine 2\tx", now=NOW
    )
    assert kept.booking.notes == "Line 1\nLine 2\tx"
    with pytest.raises(InvalidBookingRequest) as caught:
        booking_service.book(meeting_type, start=ist(14, 11), **ATTENDEE, notes="a\x00b", now=NOW)
    assert "notes" in caught.value.fields


def test_the_api_refuses_a_name_with_a_line_break(client, created):
    response = client.post(
        "/v1/bookings",
        {
            "meetingType": created.booking.meeting_type.slug,
            "start": ist(14, 10).isoformat(),
            "duration": 30,
            "attendee": {
                "name": "Eve\r\nBcc: x@example.com",
                "email": "eve@example.com",
                "timezone": "UTC",
            },
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == "invalid_request"
    assert Booking.objects.count() == 1


# Rate limits -----------------------------------------------------------------------


def test_the_manage_pages_are_rate_limited_per_ip(client, created, settings):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "MANAGE_RATE_LIMIT": "3/minute"}
    cache.clear()  # the counts of earlier tests in this minute
    path = url("booking", created.manage_token)
    statuses = [client.get(path).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(path)
    assert int(limited["Retry-After"]) >= 1
    other_ip = client.get(path, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 200
