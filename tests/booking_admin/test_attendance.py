"""Attendance in the bookings admin: a column, a "No-shows" filter, what Zoom reported on
the inspect page, and the form a host's owner or a site admin sets the verdict with."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.booking_admin.conftest import assert_denied, inspect_url, listed, local, messages_of
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Attendance, BookingEvent, Participant


def attendance_url(booking):
    return reverse("pmc_bookings:attendance", args=[booking.pk])


@pytest.fixture
def past(book):
    """Yesterday 10:00–10:30 in Kolkata: over, so its attendance can be set."""
    return book(local(-1, 10))


@pytest.fixture
def no_show(book):
    booking = book(local(-2, 10))
    Attendance.objects.create(booking=booking, status="no_show")
    return booking


def status_of(booking):
    row = Attendance.objects.filter(booking=booking).first()
    return (row.status, row.overridden_by) if row else ("unknown", "")


def test_the_listing_shows_attendance_and_filters_no_shows(admin_client, past, no_show):
    response = admin_client.get(reverse("pmc_bookings:index"))
    html = response.content.decode()
    assert "Attendance" in html
    assert "No-show" in html

    assert listed(admin_client, "?attendance=no_show") == [no_show]
    assert listed(admin_client, "?attendance=unknown") == [past]
    assert set(listed(admin_client)) == {past, no_show}


def test_the_inspect_page_shows_the_participants_zoom_reported(admin_client, past):
    row = Attendance.objects.create(
        booking=past, status="attended", meeting_started_at=past.start, decided_at=past.end
    )
    Participant.objects.create(
        attendance=row, key="u1", name="Meera Nair", is_host=True, joined_at=past.start
    )
    Participant.objects.create(
        attendance=row,
        key="u2",
        name="Dana Scully",
        email="dana@example.com",
        joined_at=past.start + timedelta(minutes=2),
        left_at=past.end,
    )

    html = admin_client.get(inspect_url(past)).content.decode()

    assert "Decided from Zoom" in html
    assert "Dana Scully" in html and "dana@example.com" in html
    assert f"{past.end:%Y-%m-%d %H:%M:%S}" in html
    assert 'name="attendance"' in html


def test_a_hosts_owner_marks_a_no_show_and_it_is_in_the_history(owner_client, past):
    response = owner_client.post(attendance_url(past), {"attendance": "no_show"})

    assert response.status_code == 302
    assert response["Location"] == inspect_url(past)
    assert status_of(past) == ("no_show", "meera")
    line = BookingEvent.objects.get(booking=past, kind="no_show")
    assert line.actor == "meera"
    assert messages_of(response) == [f"Attendance of booking {past.public_id}: No-show."]


def test_automatic_hands_the_verdict_back(admin_client, past):
    admin_client.post(attendance_url(past), {"attendance": "attended"})
    assert status_of(past) == ("attended", "admin")

    admin_client.post(attendance_url(past), {"attendance": "automatic"})

    # A day past its end with nobody reported: the automatic rule says no-show.
    row = Attendance.objects.get(booking=past)
    assert (row.status, row.is_overridden) == ("no_show", False)
    kinds = list(BookingEvent.objects.filter(booking=past).values_list("kind", flat=True))
    assert kinds[-2:] == ["attended", "no_show"]


def test_another_hosts_owner_cannot_set_attendance(client, past, other_host):
    client.force_login(other_host.user)

    assert_denied(client.post(attendance_url(past), {"attendance": "no_show"}))
    assert status_of(past) == ("unknown", "")


def test_a_viewer_sees_attendance_but_gets_no_form_and_cannot_post(viewer_client, past):
    html = viewer_client.get(inspect_url(past)).content.decode()
    assert "Attendance" in html
    assert 'name="attendance"' not in html

    assert_denied(viewer_client.post(attendance_url(past), {"attendance": "no_show"}))
    assert status_of(past) == ("unknown", "")


@pytest.mark.parametrize("choice", ["", "maybe", "unknown"])
def test_a_choice_that_is_not_offered_changes_nothing(admin_client, past, choice):
    response = admin_client.post(attendance_url(past), {"attendance": choice})

    assert response["Location"] == inspect_url(past)
    assert messages_of(response) == ["Choose attended, no-show or automatic. Nothing was changed."]
    assert status_of(past) == ("unknown", "")


def test_before_the_meeting_starts_attendance_cannot_be_set(admin_client, booking):
    html = admin_client.get(inspect_url(booking)).content.decode()
    assert 'name="attendance"' not in html

    response = admin_client.post(attendance_url(booking), {"attendance": "no_show"})

    assert messages_of(response) == [
        "Attendance can be set once the meeting has started. Nothing was changed."
    ]
    assert status_of(booking) == ("unknown", "")


def test_a_cancelled_booking_has_no_attendance_to_set(admin_client, past):
    booking_service.cancel(past, actor="admin")

    response = admin_client.post(attendance_url(past), {"attendance": "attended"})

    assert messages_of(response) == ["A cancelled booking has no attendance. Nothing was changed."]
    assert status_of(past) == ("unknown", "")


def test_attendance_only_answers_post(admin_client, past):
    assert admin_client.get(attendance_url(past)).status_code == 405
