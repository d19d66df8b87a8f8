"""The invite's alarm (the first reminder offset) and its manage links."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from tests.reminders.conftest import NOW
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import links
from wagtail_pmc_booking.models import Booking
from wagtail_pmc_booking.notifications import ics

pytestmark = pytest.mark.django_db


def vevent(text):
    return Calendar.from_ical(text).walk("VEVENT")[0]


def test_the_invite_alarms_at_the_first_reminder_offset(book):
    event = vevent(ics.invitation(book()))

    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(minutes=-1440)
    assert str(alarm["description"]) == str(event["summary"])


def test_the_first_offset_is_the_one_listed_first(book, meeting_type):
    meeting_type.reminder_minutes = [30, 1440]
    meeting_type.save()

    (alarm,) = vevent(ics.invitation(book())).walk("VALARM")

    assert alarm.decoded("trigger") == timedelta(minutes=-30)


def test_no_alarm_without_reminders_or_once_cancelled(book, meeting_type, committed):
    booking = book()
    committed(booking_service.cancel, booking, now=NOW)
    assert vevent(ics.invitation(Booking.objects.get(pk=booking.pk))).walk("VALARM") == []

    meeting_type.reminder_minutes = []
    meeting_type.save()
    assert vevent(ics.invitation(book())).walk("VALARM") == []


def test_the_description_has_the_reschedule_and_cancel_links(book):
    booking = book()
    manage = links.manage_urls(booking)

    for text in (ics.invitation(booking), ics.attendee_invite(booking).decode()):
        description = str(vevent(text)["description"])
        assert f"Reschedule: {manage['reschedule']}" in description
        assert f"Cancel: {manage['cancel']}" in description


def test_a_cancelled_invite_and_the_hosts_calendar_copy_carry_no_manage_links(book, committed):
    booking = book()
    manage = links.manage_urls(booking)
    stored = str(vevent(ics.calendar_object(booking))["description"])
    committed(booking_service.cancel, booking, now=NOW)
    cancelled = str(vevent(ics.invitation(Booking.objects.get(pk=booking.pk)))["description"])

    for description in (stored, cancelled):
        assert manage["cancel"] not in description and "Reschedule:" not in description
    assert vevent(ics.calendar_object(booking)).walk("VALARM")  # the host's alarm stays
