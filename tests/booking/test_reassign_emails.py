"""A reschedule that changes host: each party's calendar ends up with the one right event."""

from types import SimpleNamespace

import pytest
from django.core import mail

from tests.booking.conftest import ATTENDEE, NOW
from tests.booking.test_notifications import event, invite, sent_to
from wagtail_pmc_booking import booking as booking_service

MONDAY_9 = NOW.replace(day=6, hour=9)
MONDAY_11 = MONDAY_9.replace(hour=11)


@pytest.fixture
def handover(make_pool, committed):
    """Booked with the first host at 9:00, then moved to 11:00 where only the second is free.

    ``first_invite`` is the first host's event, the one their cancel must retract.
    """
    meeting_type, (first, second) = make_pool(2)
    created = committed(
        booking_service.book, meeting_type, start=MONDAY_9, host=first, now=NOW, **ATTENDEE
    )
    (first_invite,) = sent_to(first.email)
    booking_service.book(meeting_type, start=MONDAY_11, host=first, now=NOW, **ATTENDEE)
    mail.outbox.clear()
    committed(booking_service.reschedule, created.booking, start=MONDAY_11, now=NOW)
    return SimpleNamespace(
        first=first, second=second, meeting_type=meeting_type, first_invite=event(first_invite)
    )


def test_a_handover_sends_one_email_to_each_party(handover):
    recipients = sorted(to for message in mail.outbox for to in message.to)
    assert recipients == sorted(
        [
            "Dana Scully <dana@example.com>",
            f"{handover.first.name} <{handover.first.email}>",
            f"{handover.second.name} <{handover.second.email}>",
        ]
    )


def test_the_former_host_gets_a_cancellation_not_a_reschedule(handover):
    (released,) = sent_to(handover.first.email)
    name = handover.meeting_type.name
    assert released.subject == f"Cancelled: {name} with Dana Scully on April 6, 2026, 9 a.m."
    assert "moved to another host and is no longer yours" in released.body
    assert "Monday, April 6, 2026, 9 a.m.–9:30 a.m. (UTC) — cancelled" in released.body
    assert "11 a.m." not in released.body


def test_the_former_hosts_cancel_retracts_the_event_they_hold(handover):
    first, first_invite = handover.first, handover.first_invite
    (released,) = sent_to(first.email)
    assert invite(released)["method"] == "CANCEL"
    cancel = event(released)
    assert cancel["uid"] == first_invite["uid"]
    assert cancel["sequence"] > first_invite["sequence"]
    assert str(cancel["organizer"]) == str(first_invite["organizer"]) == f"mailto:{first.email}"
    assert cancel.decoded("dtstart") == first_invite.decoded("dtstart") == MONDAY_9
    assert cancel.decoded("dtend") == first_invite.decoded("dtend")
    assert str(cancel["status"]) == "CANCELLED"
    assert "location" not in cancel


def test_the_new_host_is_told_of_a_new_booking_with_a_request(handover):
    second, first_invite = handover.second, handover.first_invite
    (taken_over,) = sent_to(second.email)
    assert taken_over.subject.startswith("New booking: ")
    assert "April 6, 2026, 11 a.m." in taken_over.subject
    assert "You have a new booking." in taken_over.body
    assert "Was:" not in taken_over.body
    assert invite(taken_over)["method"] == "REQUEST"
    request = event(taken_over)
    assert request["uid"] == first_invite["uid"]
    assert str(request["organizer"]) == f"mailto:{second.email}"
    assert request.decoded("dtstart") == MONDAY_11


def test_the_attendee_is_told_of_the_new_time(handover):
    first_invite = handover.first_invite
    (attendee,) = sent_to("dana@example.com")
    assert attendee.subject.startswith("Rescheduled: ")
    assert "Was: Monday, April 6, 2026" in attendee.body
    assert invite(attendee)["method"] == "REQUEST"
    update = event(attendee)
    assert update["uid"] == first_invite["uid"]
    assert update["sequence"] == first_invite["sequence"] + 1
    assert update.decoded("dtstart") == MONDAY_11


def test_a_reschedule_that_keeps_its_host_tells_that_host_rescheduled(make_pool, committed):
    meeting_type, (host, _) = make_pool(2)
    created = committed(
        booking_service.book, meeting_type, start=MONDAY_9, host=host, now=NOW, **ATTENDEE
    )
    mail.outbox.clear()
    committed(booking_service.reschedule, created.booking, start=MONDAY_11, now=NOW)

    (message,) = sent_to(host.email)
    assert message.subject.startswith("Rescheduled: ")
    assert invite(message)["method"] == "REQUEST"
    assert len(mail.outbox) == 2


def test_collective_hosts_that_stay_are_told_rescheduled(make_pool, committed):
    meeting_type, hosts = make_pool(2, assignment="collective")
    created = committed(booking_service.book, meeting_type, start=MONDAY_9, now=NOW, **ATTENDEE)
    mail.outbox.clear()
    committed(booking_service.reschedule, created.booking, start=MONDAY_11, now=NOW)

    for host in hosts:
        (message,) = sent_to(host.email)
        assert message.subject.startswith("Rescheduled: ")
        assert invite(message)["method"] == "REQUEST"
    assert len(mail.outbox) == 3


def test_a_collective_lead_who_leaves_gets_the_cancel_and_the_co_host_an_update(
    make_pool, committed
):
    meeting_type, (lead, second, third) = make_pool(3, assignment="collective")
    created = committed(booking_service.book, meeting_type, start=MONDAY_9, now=NOW, **ATTENDEE)
    meeting_type.hosts.set([second, third])
    meeting_type.save()
    mail.outbox.clear()

    committed(booking_service.reschedule, created.booking, start=MONDAY_11, now=NOW)

    (released,) = sent_to(lead.email)
    assert released.subject.startswith("Cancelled: ")
    assert invite(released)["method"] == "CANCEL"
    assert str(event(released)["organizer"]) == f"mailto:{lead.email}"
    assert event(released).decoded("dtstart") == MONDAY_9
    (staying,) = sent_to(third.email)
    assert staying.subject.startswith("Rescheduled: ")
    assert str(event(staying)["organizer"]) == f"mailto:{second.email}"
    assert invite(sent_to(second.email)[0])["method"] == "REQUEST"
    assert sent_to("dana@example.com")[0].subject.startswith("Rescheduled: ")
