"""The "Bookings" panel on the Wagtail dashboard: today, what comes next, Zoom trouble."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.booking_admin.conftest import BERLIN, add_meeting, inspect_url, local
from wagtail_pmc_booking import booking as booking_service

HOME = "wagtailadmin_home"


def panel(client):
    """The dashboard from the panel on ("" when the panel is not there)."""
    html = client.get(reverse(HOME)).content.decode()
    start = html.find('id="pmc-bookings')
    return "" if start < 0 else html[start:]


def section(html, name):
    """One part of the panel: "today", "upcoming" or "attention"."""
    start = html.index(f'id="pmc-bookings-{name}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_panel_counts_and_lists_todays_bookings(admin_client, book):
    first = book(local(0, 7))  # 01:30 UTC: today for the admin (UTC) too
    book(local(0, 9))
    book(local(2, 10))

    today = section(panel(admin_client), "today")

    assert "Today: 2 bookings" in today
    assert f'href="{inspect_url(first)}"' in today
    assert "07:00 IST" in today and "Dana Scully" in today


def test_panel_counts_bookings_after_today_and_lists_the_next_ones(admin_client, book):
    book(local(0, 9))
    nearer = book(local(2, 10), attendee_name="Fox Mulder", attendee_email="fox@example.com")
    book(local(5, 10))

    upcoming = section(panel(admin_client), "upcoming")

    assert "Coming up: 2 bookings" in upcoming
    assert upcoming.index(inspect_url(nearer)) < upcoming.index("Dana Scully")


def test_panel_leaves_cancelled_bookings_out(admin_client, book):
    booking_service.cancel(book(local(2, 10)))

    assert "Coming up: 0 bookings" in section(panel(admin_client), "upcoming")


def test_panel_counts_meetings_pending_or_failed_and_links_to_them(admin_client, book):
    add_meeting(book(local(2, 10)), "failed", last_error="Zoom answered HTTP 500")
    add_meeting(book(local(3, 10)), "pending")
    add_meeting(book(local(4, 10)), "synced")

    attention = section(panel(admin_client), "attention")

    assert "Zoom meetings pending or failed: 2" in attention
    assert "Zoom answered HTTP 500" in attention
    query = f"zoom_state=pending&amp;zoom_state=failed&amp;start_from={local(0, 7).date()}"
    assert f'href="{reverse("pmc_bookings:index")}?{query}"' in attention


def test_panel_leaves_out_zoom_trouble_of_meetings_before_today(admin_client, book):
    add_meeting(book(local(-3, 10)), "failed", last_error="Zoom answered HTTP 500")

    assert "Every Zoom meeting is in sync." in section(panel(admin_client), "attention")


def test_panel_says_when_every_meeting_is_in_sync(admin_client, booking):
    add_meeting(booking, "synced")

    assert "Every Zoom meeting is in sync." in section(panel(admin_client), "attention")


def test_owner_panel_counts_only_their_own_bookings(owner_client, book, other_host):
    book(local(2, 10))
    book(local(2, 10, zone=BERLIN), host=other_host)

    assert "Coming up: 1 booking" in section(panel(owner_client), "upcoming")


def test_panel_is_not_shown_to_users_who_may_not_see_bookings(hostless_client, booking):
    assert panel(hostless_client) == ""


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(HOME)).status_code == 200
    return len(queries)


def test_panel_costs_the_same_queries_for_1_or_30_bookings(
    admin_client, book, django_assert_max_num_queries
):
    add_meeting(book(local(1, 6)), "failed")
    one = dashboard_queries(admin_client)
    for n in range(1, 30):
        day, hour = divmod(n, 10)
        booking = book(local(day, 7 + hour))
        if n % 2:
            add_meeting(booking, "pending")

    with django_assert_max_num_queries(one):
        admin_client.get(reverse(HOME))


def test_panel_lists_coming_bookings_by_instant_not_by_host_clock(admin_client, book, other_host):
    # Berlin 08:00 reads earlier than Kolkata 10:00 but is 07:00 UTC, after 04:30 UTC.
    berlin = book(local(2, 8, zone=BERLIN), host=other_host)
    kolkata = book(local(2, 10))

    upcoming = section(panel(admin_client), "upcoming")

    assert upcoming.index(inspect_url(kolkata)) < upcoming.index(inspect_url(berlin))
