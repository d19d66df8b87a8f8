"""What a reminder says: the attendee's time and language, the Zoom link, the links."""

from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import formats, translation

from tests.reminders.conftest import START, at, reminder_mails
from wagtail_pmc_booking import links
from wagtail_pmc_booking.models import Booking, ZoomMeeting
from wagtail_pmc_booking.reminders import send

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.us/j/987654321?pwd=abc"


def html(message):
    (body,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return body


def shown(instant, zone, language, fmt):
    """``instant`` as Django's locale of ``language`` writes it in ``zone``."""
    local = instant.astimezone(ZoneInfo(zone))
    with translation.override(language):
        if fmt == "TIME_FORMAT":
            return formats.time_format(local, fmt)
        return formats.date_format(local, fmt)


def when_parts(zone, language):
    """The weekday, date and start and end times a reminder shows in ``zone``."""
    end = START.replace(minute=30)
    return [
        shown(START, zone, language, "l"),
        shown(START, zone, language, "DATE_FORMAT"),
        shown(START, zone, language, "TIME_FORMAT"),
        shown(end, zone, language, "TIME_FORMAT"),
    ]


def hour_before(clock, booking):
    """The hour-before reminder(s) of ``booking``, as the sender sends them."""
    mail.outbox.clear()
    clock.move_to(at(60))
    send.send_due()
    return reminder_mails()


@pytest.fixture
def with_meeting():
    def with_meeting(booking):
        ZoomMeeting.objects.update_or_create(
            booking_id=booking.pk,
            defaults={"state": "synced", "join_url": JOIN_URL, "passcode": "PMC456"},
        )

    return with_meeting


def test_the_attendee_reminder_has_their_time_the_zoom_link_and_the_passcode(
    book, clock, with_meeting
):
    booking = book()
    with_meeting(booking)

    (message,) = hour_before(clock, booking)

    when = shown(START, "Europe/Berlin", "en", "DATETIME_FORMAT")
    assert message.subject == f"Reminder: Product Demo in 1 hour ({when})"
    assert "Your meeting starts in 1 hour." in message.body
    (line,) = [line for line in message.body.splitlines() if line.startswith("When:")]
    assert line.endswith("(Europe/Berlin)") and "Monday" in line and "Dec" in line
    assert all(part in line for part in when_parts("Europe/Berlin", "en"))
    assert JOIN_URL in message.body and "PMC456" in message.body
    assert "on its way" not in message.body
    assert f'href="{JOIN_URL}"' in html(message).replace("&amp;", "&")
    assert message.reply_to == ["Asha Rao <" + booking.host.email + ">"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_without_a_meeting_yet_the_reminder_says_the_link_is_on_its_way(book, clock):
    booking = book()
    ZoomMeeting.objects.filter(booking=booking).delete()  # Zoom has not answered yet

    (message,) = hour_before(clock, booking)

    assert "Your Zoom link is on its way." in message.body
    assert "Your Zoom link is on its way." in html(message)
    assert "zoom.us" not in message.body


def test_the_attendee_reminder_carries_the_manage_and_add_to_calendar_links(book, clock):
    booking = book()

    (message,) = hour_before(clock, booking)

    booking = Booking.objects.get(pk=booking.pk)
    manage = links.manage_urls(booking)
    for url in manage.values():
        assert url in message.body and url in html(message)
    lines = dict(line.split(": ", 1) for line in message.body.splitlines() if ": http" in line)
    google = urlsplit(lines["Add to Google Calendar"])
    assert google.netloc == "calendar.google.com"
    assert parse_qs(google.query)["dates"] == ["20261207T100000Z/20261207T103000Z"]
    assert urlsplit(lines["Outlook.com"]).netloc == "outlook.live.com"
    assert urlsplit(lines["Microsoft 365"]).netloc == "outlook.office.com"
    assert lines["Add to calendar (.ics)"].startswith("http://testserver/")
    for label in ("Add to Google Calendar", "Outlook.com", "Microsoft 365"):
        assert label in html(message)


def test_a_german_booking_is_reminded_in_german(book, clock):
    booking = book(language="de")

    (message,) = hour_before(clock, booking)

    assert shown(START, "Europe/Berlin", "de", "DATETIME_FORMAT") in message.subject
    assert "Dezember" in message.subject
    for body in (message.body, html(message)):
        assert "Montag" in body and "Dezember" in body and "11:00" in body
        assert all(part in body for part in when_parts("Europe/Berlin", "de"))
    assert '<html lang="de">' in html(message)
    assert "December" not in message.body and "Monday" not in message.body


def test_a_host_reminder_is_in_the_hosts_language_with_both_zones(
    book, clock, meeting_type, host, with_meeting
):
    host.language = "de"
    host.save()
    meeting_type.remind_hosts = True
    meeting_type.save()
    booking = book()
    with_meeting(booking)

    messages = hour_before(clock, booking)

    (to_host,) = [m for m in messages if host.email in m.to[0]]
    assert "Dana Scully" in to_host.subject
    assert shown(START, "Asia/Kolkata", "de", "DATETIME_FORMAT") in to_host.subject
    (host_line,) = [line for line in to_host.body.splitlines() if "(Asia/Kolkata)" in line]
    assert "Montag" in host_line and "15:30" in host_line and "16:00" in host_line
    (attendee_line,) = [line for line in to_host.body.splitlines() if "(Europe/Berlin)" in line]
    assert "11:00" in attendee_line and "11:30" in attendee_line
    assert "(Europe/Berlin)" in html(to_host)
    assert JOIN_URL in to_host.body
    assert to_host.reply_to == ["Dana Scully <dana@example.com>"]
    # The attendee's manage links are the attendee's alone.
    for url in links.manage_urls(Booking.objects.get(pk=booking.pk)).values():
        assert url not in to_host.body and url not in html(to_host)
