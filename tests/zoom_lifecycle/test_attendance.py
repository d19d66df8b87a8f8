"""Zoom attendance: signed meeting and participant events decide "did they show up?".

Every event goes through the real endpoint (``POST /v1/integrations/zoom/webhook``)
signed as Zoom signs it, for a booking whose meeting the loopback fake Zoom made; the
clock is moved with time-machine to when Zoom would send each one.
"""

import json
import time
from datetime import datetime, timedelta

import pytest
import time_machine

from tests.webhook_fake.receiver import WebhookReceiver
from tests.zoom_lifecycle.conftest import WEBHOOK_SECRET, at, meeting_of, post_signed
from wagtail_pmc_booking.models import Attendance, BookingEvent, Participant, WebhookEndpoint
from wagtail_pmc_booking.zoom import attendance, tasks

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")

HOST_ZOOM_ID = "host-zoom-user-id"
GUEST = {"id": "", "user_id": "16778240", "user_name": "Dana Scully", "email": "dana@example.com"}
HOST = {"id": HOST_ZOOM_ID, "user_id": "16778241", "user_name": "Asha Rao", "email": ""}


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "ZOOM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


@pytest.fixture
def booking(fake_zoom, book):
    """10:00–10:30 UTC three days ahead, with a real (fake) Zoom meeting."""
    return book(at(10))


def zulu(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def event(name, meeting_id, event_ts=None, **fields):
    return {
        "event": name,
        "event_ts": event_ts if event_ts is not None else int(time.time() * 1000),
        "payload": {
            "account_id": "fake-account",
            "object": {
                "id": str(meeting_id),
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_id": HOST_ZOOM_ID,
                "topic": "Product Demo",
                "type": 2,
                **fields,
            },
        },
    }


def participant(who, joined, left=None, uuid=None):
    data = {
        **who,
        "participant_uuid": uuid or f"uuid-{who['user_name']}",
        "join_time": zulu(joined),
    }
    if left is not None:
        data["leave_time"] = zulu(left)
    return {"participant": data}


def post(client, django_capture_on_commit_callbacks, payload):
    """Sign and post as Zoom does, with the request's after-commit work (webhooks) run."""
    with django_capture_on_commit_callbacks(execute=True):
        return post_signed(client, json.dumps(payload).encode())


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def send(payload, *, at_time=None):
        if at_time is None:
            return post(client, django_capture_on_commit_callbacks, payload)
        with time_machine.travel(at_time, tick=False):
            return post(client, django_capture_on_commit_callbacks, payload)

    return send


def status_of(booking):
    row = Attendance.objects.filter(booking=booking).first()
    return row.status if row else "unknown"


def verdict_lines(booking):
    return list(
        BookingEvent.objects.filter(booking=booking, kind__in=["attended", "no_show"])
        .order_by("pk")
        .values_list("kind", "actor")
    )


def meeting(booking, client_send, *, guest_joins=True, ended_at=None):
    """A whole meeting as Zoom reports it: started, host (and guest) in and out, ended."""
    mid = meeting_of(booking).zoom_meeting_id
    start = booking.start
    end = ended_at or booking.end + timedelta(minutes=2)
    client_send(event("meeting.started", mid, start_time=zulu(start)), at_time=start)
    client_send(event("meeting.participant_joined", mid, **participant(HOST, start)), at_time=start)
    if guest_joins:
        joined = start + timedelta(minutes=3)
        client_send(
            event("meeting.participant_joined", mid, **participant(GUEST, joined)), at_time=joined
        )
        client_send(
            event("meeting.participant_left", mid, **participant(GUEST, joined, end)),
            at_time=end,
        )
    client_send(
        event("meeting.ended", mid, start_time=zulu(start), end_time=zulu(end)), at_time=end
    )


def test_a_guest_who_joined_makes_the_booking_attended_when_the_meeting_ends(booking, send):
    meeting(booking, send)

    row = Attendance.objects.get(booking=booking)
    assert row.status == "attended"
    assert row.meeting_started_at == booking.start
    assert row.meeting_ended_at == booking.end + timedelta(minutes=2)
    stays = list(row.participants.values_list("name", "email", "is_host", "left_at"))
    assert stays == [
        ("Asha Rao", "", True, None),
        ("Dana Scully", "dana@example.com", False, booking.end + timedelta(minutes=2)),
    ]
    assert verdict_lines(booking) == [("attended", "zoom")]


def test_only_the_host_in_a_meeting_that_ran_its_time_is_a_no_show(booking, send):
    meeting(booking, send, guest_joins=False)

    assert status_of(booking) == "no_show"
    assert verdict_lines(booking) == [("no_show", "zoom")]


def test_the_host_leaving_an_empty_meeting_early_decides_nothing(booking, send):
    """Zoom sends meeting.ended then too; the attendee may still come."""
    meeting(booking, send, guest_joins=False, ended_at=booking.start + timedelta(minutes=5))

    assert status_of(booking) == "unknown"
    assert verdict_lines(booking) == []


def test_the_host_is_known_by_email_when_zoom_gives_no_user_id(booking, send):
    mid = meeting_of(booking).zoom_meeting_id
    host_by_email = {**HOST, "id": "", "email": "ASHA@example.com"}
    start, end = booking.start, booking.end
    send(
        event("meeting.participant_joined", mid, **participant(host_by_email, start)), at_time=start
    )
    send(event("meeting.ended", mid, end_time=zulu(end)), at_time=end)

    assert Participant.objects.get().is_host is True
    assert status_of(booking) == "no_show"


def test_without_meeting_ended_the_sweep_decides_after_the_grace(booking, send):
    mid = meeting_of(booking).zoom_meeting_id
    joined = booking.start + timedelta(minutes=1)
    send(event("meeting.participant_joined", mid, **participant(GUEST, joined)), at_time=joined)
    assert status_of(booking) == "unknown"

    assert attendance.decide_overdue(booking.end + timedelta(minutes=29)) == {
        "attended": 0,
        "no_show": 0,
    }
    assert attendance.decide_overdue(booking.end + timedelta(minutes=30)) == {
        "attended": 1,
        "no_show": 0,
    }
    assert status_of(booking) == "attended"
    assert attendance.decide_overdue(booking.end + timedelta(minutes=35))["attended"] == 0
    assert verdict_lines(booking) == [("attended", "zoom")]


def test_the_sweep_makes_a_meeting_nobody_joined_a_no_show(booking, book, send):
    earlier = book(at(8))
    meeting(earlier, send)  # Zoom reports this site's meetings: silence now means something

    assert attendance.decide_overdue(booking.end + timedelta(minutes=31))["no_show"] == 1
    assert status_of(booking) == "no_show"


def test_before_zoom_ever_reported_a_meeting_silence_decides_nothing(booking):
    """An app not subscribed to the attendance events must not make everyone a no-show."""
    assert attendance.decide_overdue(booking.end + timedelta(hours=1))["no_show"] == 0
    assert status_of(booking) == "unknown"


def test_the_sweep_decides_nothing_without_a_zoom_webhook_secret(booking, settings):
    """No event can have arrived, so silence proves nothing."""
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ZOOM_WEBHOOK_SECRET": ""}

    assert attendance.decide_overdue(booking.end + timedelta(hours=1))["no_show"] == 0
    assert status_of(booking) == "unknown"


def test_the_sweep_skips_cancelled_and_long_past_bookings(booking, book, cancel):
    other = book(at(12))
    cancel(other)

    assert attendance.overdue(other.end + timedelta(hours=1)) == [booking.pk]
    assert attendance.overdue(booking.end + timedelta(days=3)) == []


def test_a_late_joiner_turns_a_no_show_into_attended(booking, send):
    meeting(booking, send, guest_joins=False)
    assert status_of(booking) == "no_show"
    mid = meeting_of(booking).zoom_meeting_id
    late = booking.end + timedelta(minutes=10)

    send(event("meeting.participant_joined", mid, **participant(GUEST, late)), at_time=late)

    assert status_of(booking) == "attended"
    assert verdict_lines(booking) == [("no_show", "zoom"), ("attended", "zoom")]


def test_a_replayed_event_counts_once(booking, send):
    mid = meeting_of(booking).zoom_meeting_id
    joined = booking.start + timedelta(minutes=1)
    same = event(
        "meeting.participant_joined", mid, event_ts=1_700_000_000_000, **participant(GUEST, joined)
    )
    ended = event("meeting.ended", mid, event_ts=1_700_000_001_000, end_time=zulu(booking.end))

    for _ in range(2):
        assert send(same, at_time=joined).status_code == 200
        assert send(ended, at_time=booking.end).status_code == 200

    assert Participant.objects.count() == 1
    assert verdict_lines(booking) == [("attended", "zoom")]


def test_a_participant_event_before_meeting_started_is_kept(booking, send):
    """Zoom's events arrive out of order: a join before the start is still a join."""
    mid = meeting_of(booking).zoom_meeting_id
    joined = booking.start + timedelta(minutes=1)

    response = send(
        event("meeting.participant_joined", mid, **participant(GUEST, joined)), at_time=joined
    )
    send(event("meeting.started", mid, start_time=zulu(booking.start)), at_time=joined)

    assert response.status_code == 200
    row = Attendance.objects.get(booking=booking)
    assert row.meeting_started_at == booking.start
    assert row.participants.get().name == "Dana Scully"


def test_a_leave_whose_join_never_came_is_one_stay(booking, send):
    mid = meeting_of(booking).zoom_meeting_id
    joined, left = booking.start, booking.start + timedelta(minutes=20)
    leave = event("meeting.participant_left", mid, **participant(GUEST, joined, left))

    send(leave, at_time=left)
    send(event("meeting.participant_joined", mid, **participant(GUEST, joined)), at_time=left)

    assert list(Participant.objects.values_list("joined_at", "left_at")) == [(joined, left)]


def test_an_event_for_a_meeting_that_is_not_ours_changes_nothing(booking, send):
    joined = booking.start
    response = send(event("meeting.participant_joined", 99_999_999, **participant(GUEST, joined)))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"participant": {**GUEST, "join_time": "not a time"}},
        {"end_time": "yesterday"},
    ],
    ids=["join-time", "end-time"],
)
def test_an_unreadable_time_is_a_bad_request_and_changes_nothing(booking, send, fields):
    mid = meeting_of(booking).zoom_meeting_id
    name = "meeting.participant_joined" if "participant" in fields else "meeting.ended"

    response = send(event(name, mid, **fields))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert not Participant.objects.exists()
    assert status_of(booking) == "unknown"


@pytest.mark.parametrize(
    "payload",
    [
        {"participant": "nobody"},
        {"participant": {}},
        {"participant": {"user_name": "x" * 1000, "join_time": None}},
    ],
    ids=["not-an-object", "empty", "no-times"],
)
def test_odd_participants_never_fail(booking, send, payload):
    mid = meeting_of(booking).zoom_meeting_id

    assert send(event("meeting.participant_joined", mid, **payload)).status_code == 200
    assert Participant.objects.count() == (1 if payload["participant"] not in ("nobody", {}) else 0)


def test_a_person_sets_the_verdict_and_zoom_no_longer_changes_it(booking, send):
    meeting(booking, send, guest_joins=False)
    assert attendance.set_by_person(booking, "attended", actor="asha") is True
    mid = meeting_of(booking).zoom_meeting_id

    send(event("meeting.ended", mid, end_time=zulu(booking.end + timedelta(minutes=9))))
    assert attendance.decide_overdue(booking.end + timedelta(hours=1))["no_show"] == 0

    row = Attendance.objects.get(booking=booking)
    assert (row.status, row.overridden_by) == ("attended", "asha")
    assert verdict_lines(booking) == [("no_show", "zoom"), ("attended", "asha")]


def test_handing_the_verdict_back_applies_the_automatic_rule(booking, send):
    meeting(booking, send, guest_joins=False)
    attendance.set_by_person(booking, "attended", actor="asha")

    assert attendance.set_by_person(booking, attendance.AUTOMATIC, actor="asha") is True

    row = Attendance.objects.get(booking=booking)
    assert (row.status, row.is_overridden) == ("no_show", False)


def test_verdicts_reach_webhook_receivers_as_booking_no_show_and_attended(booking, send):
    with WebhookReceiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(url=receiver.url, description="CRM")
        receiver.secret = endpoint.secret
        meeting(booking, send, guest_joins=False)
        late = booking.end + timedelta(minutes=10)
        mid = meeting_of(booking).zoom_meeting_id
        send(event("meeting.participant_joined", mid, **participant(GUEST, late)), at_time=late)

        types = [r.json["type"] for r in receiver.requests]
        assert types == ["booking.no_show", "booking.attended"]
        assert all(r.verified for r in receiver.requests)
        last = receiver.requests[-1].json["data"]
        assert last["booking"]["attendance"] == "attended"
        assert last["booking"]["bookingId"] == booking.public_id


def test_the_periodic_task_runs_every_five_minutes_and_decides(booking, send):
    mid = meeting_of(booking).zoom_meeting_id
    send(event("meeting.participant_joined", mid, **participant(HOST, booking.start)))
    assert tasks.decide_attendance.task_class().validate_datetime(datetime(2026, 4, 13, 10, 5))
    assert not tasks.decide_attendance.task_class().validate_datetime(datetime(2026, 4, 13, 10, 7))

    with time_machine.travel(booking.end + timedelta(minutes=31), tick=False):
        tasks.decide_attendance()  # Huey runs it at once here (immediate mode)

    assert status_of(booking) == "no_show"
