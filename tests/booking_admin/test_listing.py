"""The bookings listing: what a row shows, the default order, filters and search."""

import re
from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests.booking_admin.conftest import (
    BERLIN,
    add_meeting,
    index_url,
    listed,
    local,
)
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking


def row_of(html, booking):
    """The listing row (``<tr>``) that shows ``booking``."""
    for row in re.findall(r"<tr.*?</tr>", html, flags=re.S):
        if booking.public_id in row:
            return row
    raise AssertionError(f"{booking.public_id} is not listed")


# == Rows ==


def test_row_shows_id_attendee_meeting_type_host_length_and_status(admin_client, booking):
    row = row_of(admin_client.get(index_url()).content.decode(), booking)

    for text in (
        booking.public_id,
        "Dana Scully",
        "dana@example.com",
        "Product Demo",
        "Meera Nair",
        "30 min",
        "Confirmed",
    ):
        assert text in row


def test_row_links_to_the_inspect_page(admin_client, booking):
    row = row_of(admin_client.get(index_url()).content.decode(), booking)

    assert f'href="{reverse("pmc_bookings:inspect", args=[booking.pk])}"' in row


def test_start_is_on_the_hosts_clock_with_the_zone_and_utc_on_hover(admin_client, booking):
    row = row_of(admin_client.get(index_url()).content.decode(), booking)

    start = local(3, 10)
    assert f"{start:%a} {start.day} {start:%b %Y}, 10:00 IST" in row
    assert "Asia/Kolkata" in row
    assert f'title="{start.astimezone(UTC):%Y-%m-%d} 04:30 UTC"' in row


def test_zoom_column_shows_the_meeting_state(admin_client, booking):
    add_meeting(booking, "failed", last_error="HTTP 500")

    assert "Failed" in row_of(admin_client.get(index_url()).content.decode(), booking)


def test_zoom_column_shows_a_dash_before_a_meeting_record_exists(admin_client, booking):
    row = row_of(admin_client.get(index_url()).content.decode(), booking)

    assert re.search(r"<td[^>]*>\s*—\s*</td>", row)


def test_listing_offers_no_way_to_add_edit_or_delete_bookings(admin_client, booking):
    html = admin_client.get(index_url()).content.decode()

    assert "Add booking" not in html
    for view in ("add", "edit", "delete", "copy", "history"):
        with pytest.raises(NoReverseMatch):
            reverse(f"pmc_bookings:{view}", args=[booking.pk] if view != "add" else [])


# == Order ==


def test_upcoming_bookings_come_first_soonest_first_then_past_ones_latest_first(admin_client, book):
    long_ago, lately = book(local(-5, 10)), book(local(-2, 10))
    later, soon = book(local(3, 10)), book(local(1, 10))

    assert listed(admin_client) == [soon, later, lately, long_ago]


def test_listing_sorts_by_start_when_asked(admin_client, book):
    later, earlier = book(local(3, 10)), book(local(-2, 10))

    assert listed(admin_client, "?ordering=start") == [earlier, later]
    assert listed(admin_client, "?ordering=-start") == [later, earlier]


# == Filters ==


def test_status_filter_shows_cancelled_bookings(admin_client, book):
    cancelled = book(local(2, 10))
    booking_service.cancel(cancelled)
    book(local(3, 10))

    assert listed(admin_client, "?status=cancelled") == [cancelled]


def test_host_filter_shows_that_hosts_bookings(admin_client, book, other_host):
    book(local(3, 10))
    ravis = book(local(3, 10, zone=BERLIN), host=other_host)

    assert listed(admin_client, f"?host={other_host.pk}") == [ravis]


def test_host_filter_includes_bookings_the_host_co_hosts(admin_client, host, co_hosted):
    assert listed(admin_client, f"?host={host.pk}") == [co_hosted]


def test_meeting_type_filter_shows_that_types_bookings(admin_client, book, interview):
    book(local(3, 10))
    interviews = book(local(4, 10), meeting_type=interview)

    assert listed(admin_client, f"?meeting_type={interview.pk}") == [interviews]


def test_date_range_filter_includes_both_end_days(admin_client, book):
    book(local(1, 10))
    first, last = book(local(3, 10)), book(local(5, 10))
    book(local(6, 10))
    start_from, start_to = local(3, 10).date(), local(5, 10).date()

    found = listed(admin_client, f"?start_from={start_from}&start_to={start_to}")

    assert found == [first, last]


def test_zoom_state_filter_shows_failed_meetings(admin_client, book):
    failed = book(local(3, 10))
    add_meeting(failed, "failed", last_error="HTTP 500")
    add_meeting(book(local(4, 10)), "synced")

    assert listed(admin_client, "?zoom_state=failed") == [failed]


def test_zoom_state_filter_takes_several_states(admin_client, book):
    failed, pending = book(local(3, 10)), book(local(4, 10))
    add_meeting(failed, "failed")
    add_meeting(pending, "pending")
    add_meeting(book(local(5, 10)), "synced")

    assert listed(admin_client, "?zoom_state=failed&zoom_state=pending") == [failed, pending]


def test_zoom_state_filter_finds_bookings_without_a_meeting_record(admin_client, book):
    add_meeting(book(local(3, 10)), "synced")
    bare = book(local(4, 10))

    assert listed(admin_client, "?zoom_state=none") == [bare]


# == Search ==


@pytest.mark.parametrize("field", ["attendee_name", "attendee_email", "public_id"])
def test_search_finds_part_of_attendee_name_email_or_booking_id(admin_client, book, field):
    book(local(3, 10))
    fox = book(local(4, 10), attendee_name="Fox Mulder", attendee_email="fox@example.com")
    query = getattr(fox, field)[1:-1].upper()

    assert listed(admin_client, f"?q={query}") == [fox]


# == Cost ==


def listing_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(index_url()).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["admin_client", "owner_client"])
def test_listing_costs_the_same_queries_for_1_or_30_bookings(
    request, viewer, book, django_assert_max_num_queries
):
    client = request.getfixturevalue(viewer)
    add_meeting(book(local(1, 6)), "synced")
    one = listing_queries(client)
    for n in range(1, 30):
        day, hour = divmod(n, 10)
        booking = book(local(2 + day, 7 + hour))
        if n % 2:
            add_meeting(booking, "failed", last_error="HTTP 500")

    assert Booking.objects.count() == 30
    with django_assert_max_num_queries(one):
        client.get(index_url())
