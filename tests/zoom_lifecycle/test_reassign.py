"""An admin reassigns a booking: same time, the new host's Zoom meeting, three emails.

The meeting is moved on the loopback fake Zoom (delete for the old host's Zoom user,
create for the new one's); the former host's email cancels the event they hold.
"""

from datetime import timedelta

import pytest
from django.core import mail

from tests.booking.test_notifications import event, invite, sent_to
from tests.zoom_lifecycle.conftest import at, fake_meetings_for, make_meeting_type, meeting_of
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import InvalidBookingRequest, SlotUnavailable
from wagtail_pmc_booking.models import Booking, BookingEvent, OutOfOffice

CREATE = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


@pytest.fixture
def hosts(make_host):
    return (
        make_host(name="Meera Nair", slug="meera", zoom_user="meera@example.com", priority=3),
        make_host(name="Ravi Iyer", slug="ravi", zoom_user="ravi@example.com"),
    )


@pytest.fixture
def demo(hosts):
    return make_meeting_type(hosts=list(hosts), name="Team Demo", slug="team-demo")


@pytest.fixture
def booked(fake_zoom, book, demo, hosts):
    booking = book(at(10), meeting_type=demo, host=hosts[0])
    mail.outbox.clear()
    return booking


@pytest.fixture
def reassign(committed):
    def reassign(booking, host, **kwargs):
        return committed(booking_service.reassign, booking, host, "admin", **kwargs).booking

    return reassign


def test_the_zoom_meeting_moves_to_the_new_hosts_zoom_user(fake_zoom, booked, hosts, reassign):
    old_id = meeting_of(booked).zoom_meeting_id

    moved = reassign(booked, hosts[1])

    assert (moved.host_id, moved.start, moved.sequence) == (hosts[1].pk, at(10), 1)
    record = meeting_of(booked)
    assert record.zoom_meeting_id != old_id and record.zoom_user == "ravi@example.com"
    assert [m["host_email"] for m in fake_meetings_for(fake_zoom, booked)] == ["ravi@example.com"]
    assert [c.path for c in fake_zoom.calls_to("DELETE", MEETING)] == [f"/v2/meetings/{old_id}"]


def test_three_emails_the_attendee_the_new_host_and_a_cancel_for_the_old(booked, hosts, reassign):
    meera, ravi = hosts
    reassign(booked, ravi)

    (attendee,) = sent_to("dana@example.com")
    assert attendee.subject.startswith("New host: Team Demo")
    assert "Ravi Iyer is now your host, at the same time." in attendee.body
    assert meeting_of(booked).join_url in attendee.body
    assert invite(attendee)["method"] == "REQUEST"
    assert str(event(attendee)["organizer"]) == "mailto:" + ravi.email

    (new_host,) = sent_to(ravi.email)
    assert new_host.subject.startswith("New booking: Team Demo with Dana Scully")
    (old_host,) = sent_to(meera.email)
    assert invite(old_host)["method"] == "CANCEL"
    cancel = event(old_host)
    assert str(cancel["organizer"]) == "mailto:" + meera.email
    assert cancel.decoded("dtstart") == at(10)


def test_the_history_names_the_admin_and_both_hosts(booked, hosts, reassign):
    reassign(booked, hosts[1])

    line = BookingEvent.objects.get(booking=booked, kind="reassigned")
    assert line.actor == "admin"
    assert (line.data["from"], line.data["to"], line.data["sequence"]) == ("meera", "ravi", 1)


def test_candidates_are_the_other_hosts_free_then(booked, hosts, book, demo):
    meera, ravi = hosts
    assert booking_service.reassign_candidates(booked) == [ravi]

    book(at(10), meeting_type=demo, host=ravi, attendee_email="fox@example.com")

    assert booking_service.reassign_candidates(booked) == []


def test_a_host_who_is_not_free_is_refused_and_nothing_changes(booked, hosts, reassign):
    ravi = hosts[1]
    day = at(10).date()
    OutOfOffice.objects.create(host=ravi, start_date=day, end_date=day, reason="Away")
    before = Booking.objects.values_list("host_id", "sequence").get(pk=booked.pk)

    with pytest.raises(SlotUnavailable, match="Ravi Iyer is not free"):
        reassign(booked, ravi)

    assert Booking.objects.values_list("host_id", "sequence").get(pk=booked.pk) == before
    assert mail.outbox == []


def test_notice_does_not_stop_an_admin_handing_over_a_meeting_soon(booked, hosts, reassign):
    moved = reassign(booked, hosts[1], now=at(10) - timedelta(minutes=10))
    assert moved.host_id == hosts[1].pk


def test_a_started_meeting_or_a_collective_booking_cannot_change_host(
    booked, hosts, reassign, make_host, book
):
    with pytest.raises(InvalidBookingRequest, match="already started"):
        reassign(booked, hosts[1], now=at(10) + timedelta(minutes=1))
    panel = make_meeting_type(hosts=list(hosts), slug="panel", assignment="collective")
    together = book(at(12), meeting_type=panel)
    with pytest.raises(InvalidBookingRequest, match="collective"):
        reassign(together, hosts[1])


def test_the_same_host_changes_nothing(booked, hosts, reassign):
    assert reassign(booked, hosts[0]).sequence == 0
    assert mail.outbox == []
