"""Emails and calendar invites: each party in their own zone, one event per booking."""

from email import message_from_bytes
from email.utils import parseaddr
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from huey.registry import Message
from icalendar import Calendar

from tests.booking.conftest import ATTENDEE, NOW, ist
from tests.factories import SAMPLE_QUESTIONS
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import calendar_links, links, questions, signals
from wagtail_pmc_booking.models import Booking, ZoomMeeting
from wagtail_pmc_booking.notifications import ics, tasks
from wagtail_pmc_booking.notifications.receivers import email_the_change

JOIN_URL = "https://zoom.us/j/987654321?pwd=abc"


def invite(message):
    """The parsed .ics attached to ``message``."""
    (content,) = [content for name, content, _ in message.attachments if name == "invite.ics"]
    return Calendar.from_ical(content)


def event(message):
    return invite(message).walk("VEVENT")[0]


def html(message):
    (body,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return body


def sent_to(address):
    return [m for m in mail.outbox if any(address in to for to in m.to)]


def sent_to_hosts():
    return [m for m in mail.outbox if not any("dana@example.com" in to for to in m.to)]


@pytest.fixture
def booked(committed, product_demo):
    """Monday 13 April 10:00 Kolkata, booked with its after-commit work done."""
    return committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)


@pytest.fixture
def zoom_meeting():
    """A stand-in for the Zoom integration's inline receiver: the meeting exists at once."""

    def create_meeting(sender, booking_pk, change, **kwargs):
        ZoomMeeting.objects.update_or_create(
            booking_id=booking_pk,
            defaults={"state": "synced", "join_url": JOIN_URL, "passcode": "PMC456"},
        )

    # Like the real Zoom receiver, connected before the emails' receiver.
    emails_uid = "wagtail_pmc_booking.notifications.emails"
    signals.booking_changed.disconnect(dispatch_uid=emails_uid)
    signals.booking_changed.connect(create_meeting, dispatch_uid="test-zoom")
    signals.booking_changed.connect(email_the_change, dispatch_uid=emails_uid)
    yield
    signals.booking_changed.disconnect(dispatch_uid="test-zoom")


def test_booking_emails_the_attendee_and_the_host_after_commit(booked):
    assert len(mail.outbox) == 2
    (attendee,) = sent_to("dana@example.com")
    (host,) = sent_to_hosts()
    assert "Confirmed" in attendee.subject
    assert "Dana Scully" in host.subject
    assert attendee.reply_to == [f"{booked.booking.host.name} <{booked.booking.host.email}>"]
    assert host.reply_to == ["Dana Scully <dana@example.com>"]


def test_no_email_is_sent_before_the_transaction_commits(product_demo):
    booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    assert mail.outbox == []


def test_emails_have_a_text_and_an_html_part(booked):
    for message in mail.outbox:
        assert "Product Demo" in message.body
        assert "<html" in html(message)


def test_the_attendee_sees_their_own_zone_and_the_host_theirs(booked):
    (attendee,) = sent_to("dana@example.com")
    (host,) = sent_to_hosts()
    # 10:00 in Kolkata is 00:30 in New York (EDT); English times are 12-hour.
    assert "Monday, April 13, 2026, 12:30 a.m.–1 a.m. (America/New_York)" in attendee.body
    assert "12:30 a.m." in html(attendee) and "America/New_York" in html(attendee)
    assert "Monday, April 13, 2026, 10 a.m.–10:30 a.m. (Asia/Kolkata)" in host.body
    assert "Attendee's time: Monday, April 13, 2026, 12:30 a.m.–1 a.m. (America/New_York)" in (
        host.body
    )


def test_the_attendee_email_carries_working_reschedule_and_cancel_links(booked):
    (attendee,) = sent_to("dana@example.com")
    urls = links.manage_urls(Booking.objects.get())
    assert urls["reschedule"] in attendee.body and urls["cancel"] in attendee.body
    assert urls["reschedule"] in html(attendee)


def test_the_host_email_does_not_carry_the_attendees_manage_token(booked):
    (host,) = sent_to_hosts()
    assert booked.manage_token not in host.body
    assert booked.manage_token not in html(host)
    assert booked.manage_token not in str(event(host)["description"])


def test_the_attendees_invite_carries_their_manage_links(booked):
    (attendee,) = sent_to("dana@example.com")
    description = str(event(attendee)["description"])
    assert links.manage_urls(booked.booking)["cancel"] in description


def test_the_invite_is_a_request_with_a_stable_uid_and_utc_times(booked):
    attendee_invite, host_invite = (invite(m) for m in mail.outbox)
    assert attendee_invite["method"] == "REQUEST"
    vevent = attendee_invite.walk("VEVENT")[0]
    assert str(vevent["uid"]) == f"{booked.booking.public_id}@testserver"
    assert vevent["sequence"] == 0
    assert vevent.decoded("dtstart") == ist(13, 10)
    assert vevent.to_ical().decode().count("DTSTART:20260413T043000Z") == 1
    assert vevent.decoded("dtend") == ist(13, 10, 30)
    assert str(vevent["status"]) == "CONFIRMED"
    assert str(vevent["organizer"]) == f"mailto:{booked.booking.host.email}"
    assert "mailto:dana@example.com" in [str(a) for a in _as_list(vevent["attendee"])]
    assert host_invite.walk("VEVENT")[0]["uid"] == vevent["uid"]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_the_invite_is_attached_as_a_calendar_request(booked):
    raw = mail.outbox[0].message().as_string()
    assert 'text/calendar; method="REQUEST"' in raw or "text/calendar; method=REQUEST" in raw


def test_rescheduling_sends_an_update_with_the_same_uid_and_the_next_sequence(booked, committed):
    first_uid = event(mail.outbox[0])["uid"]
    mail.outbox.clear()

    committed(booking_service.reschedule, booked.booking, start=ist(14, 11), now=NOW)

    assert len(mail.outbox) == 2
    (attendee,) = sent_to("dana@example.com")
    assert "Rescheduled" in attendee.subject
    assert invite(attendee)["method"] == "REQUEST"
    vevent = event(attendee)
    assert vevent["uid"] == first_uid
    assert vevent["sequence"] == 1
    assert vevent.decoded("dtstart") == ist(14, 11)
    # The old time is mentioned, in the attendee's zone.
    assert "Was: Monday, April 13, 2026, 12:30 a.m.–1 a.m." in attendee.body


def test_the_rescheduled_email_links_with_the_new_token_only(booked, committed):
    mail.outbox.clear()
    moved = committed(booking_service.reschedule, booked.booking, start=ist(14, 11), now=NOW)
    (attendee,) = sent_to("dana@example.com")
    assert moved.manage_token in attendee.body
    assert booked.manage_token not in attendee.body


def test_cancelling_sends_a_cancel_with_the_same_uid(booked, committed):
    first_uid = event(mail.outbox[0])["uid"]
    mail.outbox.clear()

    committed(booking_service.cancel, booked.booking, reason="Sick", now=NOW)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        calendar = invite(message)
        assert calendar["method"] == "CANCEL"
        vevent = calendar.walk("VEVENT")[0]
        assert vevent["uid"] == first_uid
        assert vevent["sequence"] == 1
        assert str(vevent["status"]) == "CANCELLED"
    (host,) = sent_to_hosts()
    assert "Sick" in host.body


def test_sequence_increases_with_every_change(booked, committed):
    committed(booking_service.reschedule, booked.booking, start=ist(14, 11), now=NOW)
    committed(booking_service.reschedule, booked.booking, start=ist(15, 10), now=NOW)
    committed(booking_service.cancel, booked.booking, now=NOW)

    attendee_sequences = [event(m)["sequence"] for m in sent_to("dana@example.com")]
    assert attendee_sequences == [0, 1, 2, 3]
    assert len({event(m)["uid"] for m in mail.outbox}) == 1


def test_the_cancel_email_offers_three_times_to_book_again(booked, committed, client):
    mail.outbox.clear()
    committed(booking_service.cancel, booked.booking, now=NOW)
    (attendee,) = sent_to("dana@example.com")

    assert "Would one of these times suit you instead?" in attendee.body
    links = [line.split(": ", 1)[1] for line in attendee.body.splitlines() if "/rebook/?" in line]
    assert len(links) == 3
    assert client.get(links[0].removeprefix("http://testserver")).status_code == 200
    assert "/manage/" not in attendee.body


def test_a_no_op_reschedule_sends_nothing(booked, committed):
    mail.outbox.clear()
    committed(booking_service.reschedule, booked.booking, start=ist(13, 10), now=NOW)
    assert mail.outbox == []


def test_emails_carry_the_zoom_link_and_passcode_when_the_meeting_exists(
    zoom_meeting, committed, product_demo
):
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)

    (attendee,) = sent_to("dana@example.com")
    assert JOIN_URL in attendee.body and "PMC456" in attendee.body
    assert JOIN_URL.replace("&", "&amp;") in html(attendee)
    vevent = event(attendee)
    assert str(vevent["location"]) == JOIN_URL
    assert "PMC456" in str(vevent["description"])


def test_emails_never_carry_a_start_url_or_host_key(zoom_meeting, committed, product_demo):
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    for message in mail.outbox:
        text = message.message().as_string().lower()
        assert "start_url" not in text and "/s/" not in text and "host_key" not in text


def test_without_a_meeting_the_invite_has_no_location(committed, product_demo):
    product_demo.zoom_enabled = False
    product_demo.save()
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    assert "location" not in event(mail.outbox[0])
    body = sent_to("dana@example.com")[0].body
    assert "Join Zoom" not in body and "zoom.us" not in body


def test_a_cancel_email_does_not_carry_the_join_link(zoom_meeting, committed, product_demo):
    result = committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    mail.outbox.clear()
    committed(booking_service.cancel, result.booking, now=NOW)
    for message in mail.outbox:
        assert JOIN_URL not in message.body
        assert "location" not in event(message)


def test_collective_co_hosts_are_emailed_and_invited(make_pool, committed):
    meeting_type, (lead, second) = make_pool(2, assignment="collective")
    start = NOW.replace(day=6, hour=9)
    committed(booking_service.book, meeting_type, start=start, now=NOW, **ATTENDEE)

    assert len(mail.outbox) == 3
    (co_host_email,) = sent_to(second.email)
    attendees = [str(a) for a in _as_list(event(co_host_email)["attendee"])]
    assert f"mailto:{second.email}" in attendees
    assert str(event(co_host_email)["organizer"]) == f"mailto:{lead.email}"


def test_the_emails_record_email_sent_events(booked):
    kinds = list(Booking.objects.get().events.values_list("kind", flat=True))
    assert kinds.count("email_sent") == 2


# A mail server that is down ------------------------------------------------------------


def test_a_failing_mail_server_never_affects_the_booking(
    mail_server_down, huey_schedule, committed, product_demo
):
    result = committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)

    booking = Booking.objects.get()
    assert booking.is_confirmed and result.booking.pk == booking.pk
    failures = booking.events.filter(kind="email_failed")
    assert failures.count() == 2
    assert "MailServerDown" in failures.first().data["error"]


def test_a_failed_email_is_queued_for_retry(
    mail_server_down, huey_schedule, committed, product_demo
):
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)

    retries = [t for t in huey_schedule.scheduled() if t.name.endswith("send_booking_email")]
    assert len(retries) == 2
    assert {t.retries for t in retries} == {tasks.EMAIL_RETRIES - 1}
    assert all(t.eta is not None for t in retries)


def test_a_retried_email_goes_out_once_the_mail_server_is_back(
    mail_server_down, settings, huey_schedule, committed, product_demo
):
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    for task in huey_schedule.scheduled():
        huey_schedule.execute(task, timestamp=task.eta)

    assert len(mail.outbox) == 2
    assert Booking.objects.get().events.filter(kind="email_sent").count() == 2


def test_an_email_queued_by_an_earlier_release_still_runs_after_the_upgrade(
    huey_schedule, demo_booking
):
    """Earlier releases queued ``wagtail_pmc_booking.tasks.send_booking_email``; a message
    with that name, read back from the queue's storage, is found and sent."""
    old_message = Message(
        id="queued-before-the-upgrade",
        name="wagtail_pmc_booking.tasks.send_booking_email",
        eta=None,
        retries=tasks.EMAIL_RETRIES,
        retry_delay=tasks.EMAIL_RETRY_DELAY,
        priority=None,
        args=(demo_booking.pk, "created", demo_booking.sequence),
        kwargs={},
        on_complete=None,
        on_error=None,
        expires=None,
        expires_resolved=None,
    )
    task = huey_schedule.deserialize_task(huey_schedule.serializer.serialize(old_message))
    huey_schedule.execute(task)

    (email,) = sent_to("dana@example.com")
    assert "Confirmed" in email.subject


def test_an_email_for_an_outdated_revision_is_dropped(demo_booking):
    booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)
    tasks.send_booking_email.call_local(demo_booking.pk, "created", 0)
    assert mail.outbox == []


def test_names_outside_ascii_are_encoded_in_the_headers(committed, product_demo):
    committed(
        booking_service.book,
        product_demo,
        start=ist(13, 10),
        now=NOW,
        **{**ATTENDEE, "attendee_name": "Zoë Ñandú, Jr."},
    )
    (attendee,) = sent_to("dana@example.com")
    raw = attendee.message().as_bytes()
    assert b"dana@example.com" in raw
    assert "Zoë Ñandú, Jr." in attendee.body


# The invite to download ------------------------------------------------------------------


def downloaded(booking):
    """The parsed ``attendee_invite`` of the booking as it is stored now."""
    content = ics.attendee_invite(Booking.objects.select_related("meeting").get(pk=booking.pk))
    assert isinstance(content, bytes)
    return Calendar.from_ical(content)


def test_the_downloaded_invite_is_the_emailed_event_published(booked):
    (attendee,) = sent_to("dana@example.com")
    calendar = downloaded(booked.booking)
    assert calendar["method"] == "PUBLISH"
    vevent, emailed = calendar.walk("VEVENT")[0], event(attendee)
    for name in ("uid", "sequence", "organizer", "summary"):
        assert vevent[name] == emailed[name]
    assert vevent.decoded("dtstart") == emailed.decoded("dtstart") == ist(13, 10)
    assert vevent.decoded("dtend") == emailed.decoded("dtend")
    assert str(vevent["status"]) == "CONFIRMED"
    # A PUBLISH names no attendees (RFC 5546 3.2.1): importing it asks nobody to reply.
    assert "attendee" not in vevent


def test_the_downloaded_invite_follows_a_reschedule(booked, committed):
    committed(booking_service.reschedule, booked.booking, start=ist(14, 11), now=NOW)
    vevent = downloaded(booked.booking).walk("VEVENT")[0]
    assert vevent["sequence"] == 1
    assert vevent.decoded("dtstart") == ist(14, 11)
    assert vevent["uid"] == event(sent_to("dana@example.com")[-1])["uid"]


def test_the_downloaded_invite_of_a_cancelled_booking_is_cancelled(booked, committed):
    committed(booking_service.cancel, booked.booking, now=NOW)
    vevent = downloaded(booked.booking).walk("VEVENT")[0]
    assert str(vevent["status"]) == "CANCELLED"
    assert vevent["sequence"] == 1


def test_the_downloaded_invite_carries_the_zoom_link(zoom_meeting, committed, product_demo):
    result = committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    vevent = downloaded(result.booking).walk("VEVENT")[0]
    assert str(vevent["location"]) == JOIN_URL
    assert "PMC456" in str(vevent["description"])


# Headers no stored name can break ------------------------------------------------------

INJECTED = "Eve\r\nBcc: x@evil.example"


def test_a_stored_name_with_a_line_break_is_still_emailed_without_an_injected_header(
    booked, committed
):
    Booking.objects.filter(pk=booked.booking.pk).update(attendee_name=INJECTED)
    booked.booking.meeting_type.name = "Demo\r\nBcc: y@evil.example"
    booked.booking.meeting_type.save()
    mail.outbox.clear()

    committed(booking_service.reschedule, Booking.objects.get(), start=ist(14, 11), now=NOW)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        parsed = message_from_bytes(message.message().as_bytes())
        assert parsed["Bcc"] is None
        assert "evil" not in "".join(message.bcc + message.cc)
        assert "\r" not in message.subject and "\n" not in message.subject
        (recipient,) = message.recipients()
        assert parseaddr(recipient)[1] in {"dana@example.com", booked.booking.host.email}
    (attendee,) = sent_to("dana@example.com")
    assert attendee.to == ['"Eve Bcc: x@evil.example" <dana@example.com>']
    assert attendee.subject.startswith("Rescheduled: Demo Bcc: y@evil.example on ")
    (host,) = sent_to_hosts()
    assert host.reply_to == ['"Eve Bcc: x@evil.example" <dana@example.com>']
    assert Booking.objects.get().events.filter(kind="email_failed").count() == 0


def test_a_sender_with_a_display_name_is_kept(settings, committed, product_demo):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "FROM_EMAIL": "PMC Bookings <bookings@example.com>",
    }
    committed(booking_service.book, product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    assert {m.from_email for m in mail.outbox} == {"PMC Bookings <bookings@example.com>"}


# Each party's language, the host's view of the answers, add-to-calendar links ----------

ANSWERS = {"company": "Acme GmbH", "team_size": "11-50", "consent": True}


def translated(language, message):
    """``message`` in ``language``; refuses an untranslated one, so the test fails until the
    catalogue has it rather than passing on English."""
    with translation.override(language):
        text = gettext(message)
    assert text != message, f"{message!r} has no {language} translation"
    return text


@pytest.fixture
def asking(product_demo, seed_host):
    """The demo asks three questions; its host reads French."""
    product_demo.questions = SAMPLE_QUESTIONS
    product_demo.save()
    seed_host.language = "fr"
    seed_host.save()
    return product_demo


@pytest.fixture
def german(committed, asking):
    """Booked in German, with answers and a UTM source: Monday 13 April 10:00 Kolkata."""
    return committed(
        booking_service.book,
        asking,
        start=ist(13, 10),
        now=NOW,
        language="de",
        answers=ANSWERS,
        tracking={"utm_source": "newsletter", "utm_campaign": "spring"},
        **ATTENDEE,
    )


def test_a_german_attendee_reads_german_dates_and_times(german):
    (attendee,) = sent_to("dana@example.com")
    # Django's de locale: weekday and month names, "j. F Y" and the 24-hour clock.
    assert "Montag, 13. April 2026, 00:30–01:00 (America/New_York)" in attendee.body
    assert "Montag, 13. April 2026, 00:30–01:00" in html(attendee)
    assert '<html lang="de">' in html(attendee)
    assert "13. April 2026 00:30" in attendee.subject


def test_a_german_attendee_reads_german_labels_subject_and_invite(german):
    (attendee,) = sent_to("dana@example.com")
    assert translated("de", "Your booking is confirmed.") in attendee.body
    assert translated("de", "Your booking is confirmed.") in html(attendee)
    confirmed = translated("de", "Confirmed: %(meeting)s on %(when)s")
    assert attendee.subject.startswith(confirmed.split("%(")[0])
    description = str(event(attendee)["description"])
    manage = links.manage_urls(german.booking)
    assert translated("de", "Reschedule: %(url)s") % {"url": manage["reschedule"]} in description


def test_the_host_reads_their_own_language_with_both_zones(german):
    (host,) = sent_to_hosts()
    assert "13 avril 2026, 10:00–10:30 (Asia/Kolkata)" in host.body
    assert "13 avril 2026, 00:30–01:00 (America/New_York)" in host.body
    assert '<html lang="fr">' in html(host)
    assert translated("fr", "You have a new booking.") in host.body
    assert translated("fr", "Attendee's time") in host.body
    new_booking = translated("fr", "New booking: %(meeting)s with %(name)s on %(when)s")
    assert host.subject.startswith(new_booking.split("%(")[0])


def test_the_host_sees_the_answers_in_the_editors_order_and_the_tracking(german):
    (host,) = sent_to_hosts()
    yes = translated("fr", "Yes")
    assert f"- Company: Acme GmbH\n- Team size: 11-50\n- I agree: {yes}\n" in host.body
    assert "utm_source=newsletter, utm_campaign=spring" in host.body
    assert "<th" in html(host) and "Acme GmbH" in html(host) and "utm_campaign=spring" in html(host)


def test_answers_follow_the_questions_order_then_the_keys_no_longer_asked(german):
    # Stored in another order, with the answer to a question removed since.
    Booking.objects.filter(pk=german.booking.pk).update(
        answers={"legacy": "kept", "consent": False, "company": "Acme GmbH"}
    )
    booking = Booking.objects.get(pk=german.booking.pk)
    with translation.override("en"):
        assert questions.answer_rows(booking.answers, booking.meeting_type.question_list) == [
            ("Company", "Acme GmbH"),
            ("I agree", "No"),
            ("legacy", "kept"),
        ]


def test_the_attendee_never_sees_the_answers_or_the_tracking(german):
    (attendee,) = sent_to("dana@example.com")
    for text in (attendee.body, html(attendee)):
        assert "Acme GmbH" not in text and "11-50" not in text
        assert "newsletter" not in text and "utm_source" not in text


def test_the_confirmation_offers_google_outlook_and_microsoft_365(german):
    (attendee,) = sent_to("dana@example.com")
    booking = Booking.objects.get()
    with translation.override("de"):
        expected = calendar_links.calendar_links(booking, links.manage_urls(booking))
    for kind in ("google", "outlook", "office365"):
        assert expected[kind] in attendee.body
        assert expected[kind].replace("&", "&amp;") in html(attendee)
    google = parse_qs(urlsplit(expected["google"]).query)
    assert google["dates"] == ["20260413T043000Z/20260413T050000Z"]
    assert links.manage_urls(booking)["cancel"] in google["details"][0]
    outlook = parse_qs(urlsplit(expected["office365"]).query)
    assert urlsplit(expected["office365"]).hostname == "outlook.office.com"
    assert outlook["startdt"] == ["2026-04-13T04:30:00Z"]
    assert translated("de", "Add to Google Calendar") in attendee.body
    assert translated("de", "The attached invitation adds the meeting to your calendar.") in (
        attendee.body
    )
    assert invite(attendee)["method"] == "REQUEST"


def test_the_reschedule_email_offers_the_new_times_links(booked, committed):
    committed(booking_service.reschedule, booked.booking, start=ist(14, 11), now=NOW)
    (moved,) = [m for m in sent_to("dana@example.com") if "Rescheduled" in m.subject]
    booking = Booking.objects.get()
    expected = calendar_links.calendar_links(booking, links.manage_urls(booking))
    assert expected["google"] in moved.body
    assert "20260414T053000Z" in expected["google"]


def test_the_cancel_email_offers_no_calendar_links(booked, committed):
    committed(booking_service.cancel, booked.booking, now=NOW)
    (cancelled,) = [m for m in sent_to("dana@example.com") if "Cancelled" in m.subject]
    assert "calendar.google.com" not in cancelled.body
    assert "outlook" not in html(cancelled)


def test_a_failing_mail_server_leaves_a_german_booking_confirmed(
    mail_server_down, huey_schedule, german
):
    booking = Booking.objects.get()
    assert booking.is_confirmed and booking.language == "de"
    assert booking.events.filter(kind="email_failed").count() == 2
