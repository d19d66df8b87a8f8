"""The public pages behind the attendee's links."""

import re
import time
from datetime import UTC, date, datetime
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.booking.conftest import ATTENDEE, NOW, ist, url
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import calendar_links, links
from wagtail_pmc_booking.models import Booking, ZoomMeeting

pytestmark = pytest.mark.usefixtures("frozen_now", "fresh_rate_limits")


@pytest.fixture
def fresh_rate_limits():
    """The manage pages count per IP per minute; earlier tests' hits must not add up."""
    cache.clear()


def starts_offered(response):
    return re.findall(r'name="start" value="([^"]+)"', response.content.decode())


# The manage page -----------------------------------------------------------------------


def test_the_manage_page_shows_the_booking_in_the_attendees_zone(client, created):
    response = client.get(url("booking", created.manage_token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monday 13 April 2026, 00:30–01:00" in page
    assert "America/New_York" in page
    assert url("reschedule", created.manage_token) in page


def test_token_pages_are_private(client, created):
    response = client.get(url("booking", created.manage_token))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_manage_page_shows_the_zoom_link_and_passcode(client, created):
    ZoomMeeting.objects.create(
        booking=created.booking, state="synced", join_url="https://zoom.us/j/1", passcode="PMC456"
    )
    page = client.get(url("booking", created.manage_token)).content.decode()
    assert "https://zoom.us/j/1" in page and "PMC456" in page


# Invalid links -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["booking", "reschedule", "cancel"])
def test_an_unknown_token_gets_the_friendly_404(client, created, name):
    response = client.get(url(name, "0" * 40))
    assert response.status_code == 404
    assert "This link is not valid any more" in response.content.decode()


def test_a_used_token_gets_exactly_the_same_page_as_an_unknown_one(client, created):
    booking_service.reschedule(created.booking, start=ist(14, 10), now=NOW)
    used = client.get(url("reschedule", created.manage_token))
    unknown = client.get(url("reschedule", "f" * 40))
    assert used.status_code == unknown.status_code == 404
    assert used.content == unknown.content


def test_a_cancelled_bookings_pages_are_gone(client, created):
    booking_service.cancel(created.booking, now=NOW)
    assert client.get(url("cancel", created.manage_token)).status_code == 404


# Reschedule ----------------------------------------------------------------------------


def test_the_reschedule_page_opens_on_the_first_day_with_free_times(client, created):
    response = client.get(url("reschedule", created.manage_token))
    assert response.status_code == 200
    assert response.context["day"] == date(2026, 4, 5)
    # Monday 6 April 09:00 Kolkata is Sunday 5 April 23:30 in New York.
    assert starts_offered(response)[0] == ist(6, 9).astimezone(UTC).isoformat()
    assert "23:30" in response.content.decode()


def test_the_reschedule_page_shows_the_chosen_day_in_the_attendees_zone(client, created):
    response = client.get(url("reschedule", created.manage_token), {"date": "2026-04-14"})
    assert response.context["day"] == date(2026, 4, 14)
    offered = starts_offered(response)
    assert offered and all(
        datetime.fromisoformat(s).astimezone(created.booking.attendee_zoneinfo).date()
        == date(2026, 4, 14)
        for s in offered
    )


def test_the_reschedule_page_does_not_offer_the_current_time(client, created):
    response = client.get(url("reschedule", created.manage_token), {"date": "2026-04-13"})
    assert ist(13, 10).astimezone(UTC).isoformat() not in starts_offered(response)


def test_a_nonsense_date_falls_back_to_the_first_free_day(client, created):
    response = client.get(url("reschedule", created.manage_token), {"date": "13/04/2026"})
    assert response.status_code == 200
    assert response.context["day"] == date(2026, 4, 5)


def test_posting_a_slot_reschedules_and_redirects_to_the_new_link(client, created):
    start = ist(14, 11).astimezone(UTC).isoformat()
    response = client.post(url("reschedule", created.manage_token), {"start": start})

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == ist(14, 11)
    new_token = links.manage_token_for(booking)
    assert response["Location"] == url("booking", new_token) + "?changed=rescheduled"
    page = client.get(response["Location"])
    assert "Your booking has been moved" in page.content.decode()
    assert client.get(url("reschedule", created.manage_token)).status_code == 404


def test_posting_a_tampered_time_is_refused_and_changes_nothing(client, created):
    response = client.post(
        url("reschedule", created.manage_token),
        {"start": ist(14, 11, 7).isoformat(), "date": "2026-04-14"},
    )
    assert response.status_code == 409
    assert "no longer available" in response.content.decode()
    assert Booking.objects.get().start == ist(13, 10)


def test_posting_garbage_as_the_time_is_a_bad_request(client, created):
    response = client.post(url("reschedule", created.manage_token), {"start": "tomorrow"})
    assert response.status_code == 400
    assert Booking.objects.get().sequence == 0


def test_posting_without_a_csrf_token_is_forbidden(created):
    client = Client(enforce_csrf_checks=True)
    start = ist(14, 11).astimezone(UTC).isoformat()
    response = client.post(url("reschedule", created.manage_token), {"start": start})
    assert response.status_code == 403
    assert Booking.objects.get().start == ist(13, 10)


def test_the_reschedule_form_carries_a_csrf_token(client, created):
    page = client.get(url("reschedule", created.manage_token)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


# Cancel and rebook ---------------------------------------------------------------------


def test_the_cancel_page_asks_for_an_optional_reason(client, created):
    page = client.get(url("cancel", created.manage_token)).content.decode()
    assert 'name="reason"' in page and "Cancel booking" in page


def test_posting_the_cancel_form_cancels_and_offers_three_times_to_book_again(client, created):
    response = client.post(url("cancel", created.manage_token), {"reason": "Conflict"})

    assert response.status_code == 200
    booking = Booking.objects.get()
    assert booking.status == "cancelled" and booking.cancel_reason == "Conflict"
    assert len(response.context["offers"]) == 3
    assert response.content.decode().count('name="offer"') == 3
    assert client.get(url("cancel", created.manage_token)).status_code == 404


def test_cancelling_twice_shows_the_invalid_link_page(client, created):
    client.post(url("cancel", created.manage_token))
    assert client.post(url("cancel", created.manage_token)).status_code == 404
    assert Booking.objects.get().sequence == 1


def test_one_click_rebook_books_the_offered_time_for_the_same_attendee(client, created):
    cancelled = client.post(url("cancel", created.manage_token))
    offer = cancelled.context["offers"][0]

    response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer.offer})

    assert response.status_code == 302
    new = Booking.objects.confirmed().get()
    assert new.start == offer.slot.start
    assert (new.attendee_email, new.attendee_timezone) == (
        ATTENDEE["attendee_email"],
        ATTENDEE["attendee_timezone"],
    )
    assert new.pk != created.booking.pk
    assert response["Location"].startswith(url("booking", links.manage_token_for(new)))


def test_a_double_click_on_rebook_makes_one_booking(client, created):
    offer = client.post(url("cancel", created.manage_token)).context["offers"][0].offer
    first = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    second = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})

    assert first["Location"] == second["Location"]
    assert Booking.objects.confirmed().count() == 1


def test_a_rebook_link_from_the_email_asks_for_confirmation_first(client, created):
    booking_service.cancel(created.booking, now=NOW)
    offer = links.rebook_offer(created.booking, ist(14, 10))
    response = client.get(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 200
    assert "Book this time" in response.content.decode()
    assert not Booking.objects.confirmed().exists()


def test_a_taken_rebook_time_shows_fresh_options(client, created, book_slot):
    booking_service.cancel(created.booking, now=NOW)
    offer = links.rebook_offer(created.booking, ist(14, 10))
    book_slot(ist(14, 10), attendee_email="quick@example.com")

    response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 409
    assert "no longer available" in response.content.decode()
    assert response.context["offers"]


@pytest.mark.parametrize("offer", ["", "garbage", "eyJib29raW5nIjoiYmtfeCJ9:1:2"])
def test_a_tampered_rebook_offer_gets_the_friendly_404(client, created, offer):
    response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 404
    assert not Booking.objects.filter(status="confirmed").exclude(pk=created.booking.pk).exists()


def test_a_rebook_offer_expires_after_a_day(client, created):
    booking_service.cancel(created.booking, now=NOW)
    offer = links.rebook_offer(created.booking, ist(14, 10))
    later = time.time() + 25 * 3600
    with mock.patch("time.time", return_value=later):
        response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 404


def test_an_offer_for_a_booking_that_is_still_confirmed_is_refused(client, created):
    offer = links.rebook_offer(created.booking, ist(14, 10))
    response = client.post(reverse("wagtail_pmc_booking:rebook"), {"offer": offer})
    assert response.status_code == 404
    assert Booking.objects.count() == 1


# Add to calendar ------------------------------------------------------------------------

CALENDARS = {
    "google": ("calendar.google.com", "/calendar/render", "text", "details"),
    "outlook": ("outlook.live.com", "/calendar/0/action/compose", "subject", "body"),
    "office365": ("outlook.office.com", "/calendar/0/action/compose", "subject", "body"),
}
TIMES = {
    "google": {"dates": ["20260413T043000Z/20260413T050000Z"]},
    "outlook": {"startdt": ["2026-04-13T04:30:00Z"], "enddt": ["2026-04-13T05:00:00Z"]},
}
TIMES["office365"] = TIMES["outlook"]


def calendar_url(token, service):
    return reverse("wagtail_pmc_booking:manage_calendar", args=[token, service])


@pytest.mark.parametrize("service", sorted(CALENDARS))
def test_add_to_calendar_redirects_to_the_services_event_with_title_times_and_links(
    client, created, service
):
    response = client.get(calendar_url(created.manage_token, service))

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    host, path, title, text = CALENDARS[service]
    assert (target.scheme, target.netloc, target.path) == ("https", host, path)
    query = parse_qs(target.query)
    assert query[title] == ["Product Demo with Asha Rao"]
    assert TIMES[service].items() <= query.items()  # 10:00 Kolkata is 04:30 UTC
    body = query[text][0]
    token = created.manage_token
    assert f"Reschedule: http://testserver{url('reschedule', token)}" in body
    assert f"Cancel: http://testserver{url('cancel', token)}" in body
    assert "Your Zoom link is on its way." in body


def test_add_to_calendar_carries_the_zoom_link_once_the_meeting_is_made(client, created):
    ZoomMeeting.objects.create(
        booking=created.booking, state="synced", join_url="https://zoom.us/j/1", passcode="PMC456"
    )
    location = client.get(calendar_url(created.manage_token, "google"))["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["location"] == ["https://zoom.us/j/1"]
    assert "Passcode: PMC456" in query["details"][0]


def test_the_add_to_calendar_redirect_is_private_like_every_token_page(client, created):
    """The token is in the path: no Referer to the calendar service, no cache, no index."""
    response = client.get(calendar_url(created.manage_token, "outlook"))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("service", ["ics", "yahoo", "GOOGLE"])
def test_an_unknown_calendar_service_gets_the_friendly_404(client, created, service):
    path = calendar_url(created.manage_token, "SERVICE").replace("SERVICE/", f"{service}/")
    response = client.get(path)
    assert response.status_code == 404
    assert "This link is not valid any more" in response.content.decode()


def test_an_unknown_token_gets_the_friendly_404_from_the_calendar_link(client, created):
    response = client.get(calendar_url("0" * 40, "google"))
    assert response.status_code == 404
    assert "This link is not valid any more" in response.content.decode()


def test_a_reschedule_kills_the_old_calendar_links_and_the_new_ones_carry_the_new_time(
    client, created
):
    moved = booking_service.reschedule(created.booking, start=ist(14, 11), now=NOW)

    for service in CALENDARS:
        assert client.get(calendar_url(created.manage_token, service)).status_code == 404
    location = client.get(calendar_url(moved.manage_token, "google"))["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["dates"] == ["20260414T053000Z/20260414T060000Z"]
    assert url("reschedule", moved.manage_token) in query["details"][0]
    assert created.manage_token not in query["details"][0]


def test_a_cancelled_bookings_calendar_link_shows_the_cancelled_page(client, created):
    cancelled = booking_service.cancel(created.booking, now=NOW)

    assert client.get(calendar_url(created.manage_token, "google")).status_code == 404
    response = client.get(calendar_url(cancelled.manage_token, "google"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your booking is cancelled" in page
    assert "calendar.google.com" not in page
    assert page.count('name="offer"') == len(response.context["offers"]) > 0


def test_the_manage_page_offers_every_calendar_without_javascript(client, created):
    response = client.get(url("booking", created.manage_token))
    page = response.content.decode()
    fallback = page[page.index("<noscript>\n    <div") :]
    direct = calendar_links.calendar_links(created.booking, links.manage_urls(created.booking))
    for service in ("google", "outlook", "office365", "ics"):
        assert f'href="{direct[service]}"'.replace("&", "&amp;") in fallback
    assert "Add to Google Calendar" in fallback and "Microsoft 365" in fallback


def test_the_widget_on_the_manage_page_gets_the_calendar_redirect_links(client, created):
    page = client.get(url("booking", created.manage_token)).content.decode()
    pattern = calendar_url("{token}", "google").replace("%7B", "{").replace("%7D", "}")
    assert f'href="{pattern}"' in page


# Language ------------------------------------------------------------------------------


def german(message):
    with translation.override("de"):
        return gettext(message)


@pytest.fixture
def german_booking(book_slot):
    return book_slot(ist(13, 10), language="de")


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("booking", "Your booking"),
        ("reschedule", "Reschedule your booking"),
        ("cancel", "Cancel your booking"),
    ],
)
def test_a_german_bookings_pages_are_german_whatever_the_browser_speaks(
    client, german_booking, name, heading
):
    response = client.get(url(name, german_booking.manage_token), HTTP_ACCEPT_LANGUAGE="en-US")
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert f"<h1>{german(heading)}</h1>" in page
    assert response.context["widget"]["language"] == "de"
    assert response.context["widget"]["strings"]["cancel"] == german("Cancel")


def test_a_german_bookings_error_and_cancelled_pages_are_german(client, german_booking):
    token = german_booking.manage_token
    error = client.post(url("reschedule", token), {"start": "tomorrow"}).content.decode()
    assert german("Please choose one of the times shown.") in error

    cancelled = client.post(url("cancel", token)).content.decode()
    assert '<html lang="de">' in cancelled
    assert german("Your booking is cancelled") in cancelled


def test_the_invalid_link_page_speaks_the_browsers_language(client, created):
    response = client.get(url("booking", "0" * 40), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert german("This link is not valid any more") in page
