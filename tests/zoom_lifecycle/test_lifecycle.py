"""After a booking commits, Zoom gets the meeting the booking wants: made, moved, removed."""

from datetime import UTC, timedelta

from django.core import mail

from tests import factories
from tests.zoom_lifecycle.conftest import at, fake_meetings_for, make_meeting_type, meeting_of
from wagtail_pmc_booking.models import (
    Booking,
    BookingEvent,
    OutOfOffice,
    ZoomDefaults,
    ZoomMeeting,
)
from wagtail_pmc_booking.zoom import tasks
from wagtail_pmc_booking.zoom.desired import host_out_of_office
from wagtail_pmc_booking.zoom.outcomes import Action
from wagtail_pmc_booking.zoom.reconcile import sync_inline, sync_meeting
from wagtail_pmc_booking.zoom.sweep import sweep
from wagtail_pmc_booking.zoom.wire import PASSCODE_RE

CREATE = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"


def kinds(booking):
    return list(BookingEvent.objects.filter(booking=booking).values_list("kind", flat=True))


def test_a_booking_gets_a_meeting_for_its_hosts_zoom_user_as_the_meeting_type_says(
    fake_zoom, book, make_host
):
    host = make_host(zoom_user="zoomer@example.com", timezone="Europe/Berlin")
    meeting_type = make_meeting_type(
        hosts=[host],
        zoom_waiting_room=False,
        zoom_join_before_host=True,
        zoom_mute_upon_entry=False,
        zoom_auto_recording="cloud",
    )

    booking = book(at(10), meeting_type=meeting_type, duration=45)

    (call,) = fake_zoom.calls_to("POST", CREATE)
    assert call.path == "/v2/users/zoomer@example.com/meetings"
    body = call.body
    assert body["type"] == 2
    assert body["start_time"] == booking.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["duration"] == 45
    assert body["timezone"] == "Europe/Berlin"
    assert body["agenda"].startswith(f"[pmc:{booking.public_id}]")
    assert body["settings"] == {
        "waiting_room": False,
        "join_before_host": True,
        "mute_upon_entry": False,
        "auto_recording": "cloud",
    }
    assert PASSCODE_RE.fullmatch(body["password"])
    record = meeting_of(booking)
    stored = fake_zoom.meetings[record.zoom_meeting_id]
    assert record.state == "synced"
    assert (record.join_url, record.passcode) == (stored["join_url"], stored["password"])
    assert (record.zoom_user, record.synced_sequence, record.attempts) == (
        "zoomer@example.com",
        0,
        0,
    )
    assert not record.is_sandbox
    assert "meeting_created" in kinds(booking)


def test_the_default_policy_asks_for_a_passcode_and_a_waiting_room(fake_zoom, book):
    booking = book(at(10))

    body = fake_zoom.calls_to("POST", CREATE)[0].body
    assert body["settings"]["waiting_room"] is True
    assert body["settings"]["join_before_host"] is False
    assert meeting_of(booking).passcode == body["password"]


def test_without_the_passcode_policy_no_passcode_is_sent(fake_zoom, book, host):
    meeting_type = make_meeting_type(hosts=[host], zoom_passcode=False)

    booking = book(at(10), meeting_type=meeting_type)

    assert "password" not in fake_zoom.calls_to("POST", CREATE)[0].body
    assert meeting_of(booking).passcode == ""


def test_a_collective_booking_makes_the_other_hosts_alternative_hosts(fake_zoom, book, make_host):
    hosts = [make_host(zoom_user=f"{name}@example.com") for name in ("first", "second", "third")]
    meeting_type = make_meeting_type(hosts=hosts, assignment="collective")

    booking = book(at(10), meeting_type=meeting_type)

    (call,) = fake_zoom.calls_to("POST", CREATE)
    others = sorted(h.zoom_user for h in hosts if h != booking.host)
    assert sorted(h.zoom_user for h in booking.co_hosts.all()) == others
    assert call.path == f"/v2/users/{booking.host.zoom_user}/meetings"
    assert sorted(call.body["settings"]["alternative_hosts"].split(";")) == others


def test_rescheduling_patches_the_same_meeting_and_keeps_its_passcode(fake_zoom, book, reschedule):
    booking = book(at(10))
    before = meeting_of(booking)

    booking = reschedule(booking, at(14, 30), duration=60)

    after = meeting_of(booking)
    (patch,) = fake_zoom.calls_to("PATCH", MEETING)
    assert patch.path == f"/v2/meetings/{before.zoom_meeting_id}"
    assert patch.body["start_time"] == at(14, 30).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert patch.body["duration"] == 60
    assert patch.body["password"] == before.passcode
    assert patch.body["agenda"].startswith(f"[pmc:{booking.public_id}]")
    assert (after.zoom_meeting_id, after.passcode, after.join_url) == (
        before.zoom_meeting_id,
        before.passcode,
        before.join_url,
    )
    assert after.synced_sequence == booking.sequence == 1
    stored = fake_zoom.meetings[after.zoom_meeting_id]
    assert stored["start_time"] == at(14, 30).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stored["duration"] == 60
    assert len(fake_zoom.calls_to("POST", CREATE)) == 1
    assert kinds(booking).count("meeting_updated") == 1


def test_cancelling_deletes_the_meeting(fake_zoom, book, cancel):
    booking = book(at(10))
    meeting_id = meeting_of(booking).zoom_meeting_id

    booking = cancel(booking)

    assert fake_zoom.calls_to("DELETE", MEETING)[0].path == f"/v2/meetings/{meeting_id}"
    assert fake_zoom.meetings == {}
    record = meeting_of(booking)
    assert (record.state, record.zoom_meeting_id, record.join_url) == ("deleted", None, "")
    assert "meeting_deleted" in kinds(booking)


def test_a_booking_moved_to_another_host_gets_a_new_meeting_and_the_old_one_goes(
    fake_zoom, book, reschedule, make_host
):
    first = make_host(zoom_user="first@example.com")
    second = make_host(zoom_user="second@example.com")
    meeting_type = make_meeting_type(hosts=[first, second], assignment="round_robin")
    moving = book(at(10), meeting_type=meeting_type, host=first)
    book(at(11), meeting_type=meeting_type, host=first)  # first is busy at 11:00 now
    old_id = meeting_of(moving).zoom_meeting_id

    moving = reschedule(moving, at(11))

    assert moving.host == second
    record = meeting_of(moving)
    assert fake_zoom.calls_to("DELETE", MEETING)[0].path == f"/v2/meetings/{old_id}"
    assert fake_zoom.calls_to("POST", CREATE)[-1].path == "/v2/users/second@example.com/meetings"
    assert old_id not in fake_zoom.meetings
    (mine,) = fake_meetings_for(fake_zoom, moving)
    assert mine["id"] == record.zoom_meeting_id != old_id
    assert mine["host_email"] == "second@example.com"
    assert (record.zoom_user, record.synced_sequence) == ("second@example.com", 1)
    assert kinds(moving).count("meeting_created") == 2
    assert kinds(moving).count("meeting_deleted") == 1


def _away(host, when):
    return OutOfOffice.objects.create(
        host=host, start_date=when.date(), end_date=when.date(), reason="Travel"
    )


def test_a_host_out_of_office_gets_no_zoom_call_and_the_meeting_is_skipped(
    fake_zoom, host, meeting_type
):
    # Made behind booking.py's back: the slot check would refuse an out-of-office time.
    start = at(10)
    _away(host, start)
    booking = factories.make_booking_row(meeting_type, host, start, buffers=(0, 0))

    outcome = sync_inline(booking.pk, tasks.schedule_retry)

    assert outcome.action == Action.SKIPPED
    assert fake_zoom.calls == [] and fake_zoom.token_requests == 0
    record = meeting_of(booking)
    assert (record.state, record.zoom_meeting_id) == ("skipped", None)
    (event,) = BookingEvent.objects.filter(booking=booking)
    assert (event.kind, event.data["reason"]) == ("meeting_skipped", "host_out_of_office")


def test_a_meeting_owed_when_the_host_went_out_of_office_is_skipped_by_the_sweep(
    fake_zoom, book, host
):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))
    assert meeting_of(booking).state == "pending"
    calls = len(fake_zoom.calls)
    _away(host, at(10))

    report = sweep(now=meeting_of(booking).next_attempt_at)

    assert report.ids(Action.SKIPPED) == [booking.public_id]
    # Only a look for what the failed attempt might have made; nothing is created.
    assert {call.method for call in fake_zoom.calls[calls:]} <= {"GET"}
    assert fake_meetings_for(fake_zoom, booking) == []
    assert meeting_of(booking).state == "skipped"
    assert "meeting_skipped" in kinds(booking)


def test_a_skipped_meeting_is_made_once_the_out_of_office_entry_is_disabled(fake_zoom, book, host):
    fake_zoom.fail_next("500", method="POST")
    booking = book(at(10))
    away = _away(host, at(10))
    sweep(now=meeting_of(booking).next_attempt_at)
    assert meeting_of(booking).state == "skipped"

    away.is_enabled = False
    away.save()
    report = sweep()

    assert report.ids(Action.CREATED) == [booking.public_id]
    assert len(fake_meetings_for(fake_zoom, booking)) == 1


def test_a_whole_day_out_of_office_in_the_hosts_zone_is_read_in_that_zone(make_host, db):
    host = make_host(timezone="Asia/Kolkata")
    meeting_type = make_meeting_type(hosts=[host])
    start = at(20)  # 20:00 UTC is already the next day in Kolkata (01:30)
    OutOfOffice.objects.create(
        host=host,
        start_date=(start + timedelta(hours=5, minutes=30)).date(),
        end_date=(start + timedelta(hours=5, minutes=30)).date(),
    )
    booking = Booking(
        meeting_type=meeting_type, host=host, start=start, end=start + timedelta(minutes=30)
    )

    assert host_out_of_office(booking)
    assert not host_out_of_office(
        Booking(
            meeting_type=meeting_type,
            host=host,
            start=start - timedelta(hours=12),
            end=start - timedelta(hours=11, minutes=30),
        )
    )


def test_a_meeting_type_without_zoom_has_no_meeting_and_no_call(fake_zoom, book, host):
    meeting_type = make_meeting_type(hosts=[host], zoom_enabled=False)

    booking = book(at(10), meeting_type=meeting_type)

    assert fake_zoom.calls == []
    assert not ZoomMeeting.objects.filter(booking=booking).exists()


def test_a_host_without_a_zoom_user_is_skipped_with_that_reason(fake_zoom, book, make_host):
    host = make_host(zoom_user="")
    meeting_type = make_meeting_type(hosts=[host])

    booking = book(at(10), meeting_type=meeting_type)

    assert fake_zoom.calls == []
    assert meeting_of(booking).state == "skipped"
    event = BookingEvent.objects.get(booking=booking, kind="meeting_skipped")
    assert event.data["reason"] == "no_zoom_user"


def test_syncing_a_booking_in_sync_calls_zoom_no_more(fake_zoom, book):
    booking = book(at(10))
    calls = len(fake_zoom.calls)

    outcomes = [sync_meeting(booking.pk, force=True) for _ in range(3)]

    assert {o.action for o in outcomes} == {Action.UNCHANGED}
    assert len(fake_zoom.calls) == calls
    assert sweep().outcomes == []


def test_the_confirmation_email_carries_the_join_link_made_inline(fake_zoom, book):
    booking = book(at(10))

    record = meeting_of(booking)
    to_attendee = [m for m in mail.outbox if booking.attendee_email in " ".join(m.to)]
    assert to_attendee and record.join_url in to_attendee[0].body


def test_the_topic_follows_the_editors_template(fake_zoom, book):
    defaults = ZoomDefaults.load()
    defaults.meeting_topic = "{host} meets {attendee}"
    defaults.save()

    book(at(10))

    assert fake_zoom.calls_to("POST", CREATE)[0].body["topic"] == "Asha Rao meets Dana Scully"
