"""Planning: one row per offset and recipient of the booking's current revision."""

from datetime import timedelta

import pytest

from tests.reminders.conftest import NOW, START, at, make_host, pending
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Booking, Reminder
from wagtail_pmc_booking.reminders import plan

pytestmark = pytest.mark.django_db


def test_a_booking_gets_the_attendee_a_reminder_per_offset(book):
    booking = book()

    assert sorted(pending(booking)) == [
        ("attendee", 60, 0, at(60)),
        ("attendee", 1440, 0, at(1440)),
    ]


def test_hosts_get_their_own_rows_when_the_meeting_type_reminds_them(book, meeting_type, host):
    meeting_type.remind_hosts = True
    meeting_type.save()

    booking = book()

    rows = Reminder.objects.filter(booking=booking).order_by("recipient", "minutes_before")
    assert [(r.recipient, r.host_id, r.minutes_before) for r in rows] == [
        ("attendee", None, 60),
        ("attendee", None, 1440),
        (f"host:{host.pk}", host.pk, 60),
        (f"host:{host.pk}", host.pk, 1440),
    ]


def test_a_collective_booking_reminds_the_host_and_each_co_host(book, meeting_type, host):
    other = make_host(name="Lena Vogel")
    meeting_type.hosts.add(other)
    meeting_type.assignment = "collective"
    meeting_type.remind_hosts = True
    meeting_type.save()

    booking = book()

    assert set(booking.co_hosts.values_list("pk", flat=True)) == {other.pk}
    rows = Reminder.objects.filter(booking=booking, minutes_before=60).order_by("recipient")
    assert {(r.recipient, r.host_id) for r in rows} == {
        ("attendee", None),
        (f"host:{booking.host_id}", booking.host_id),
        (f"host:{other.pk}", other.pk),
    }


def test_a_booking_made_30_minutes_ahead_gets_no_reminder(book):
    booking = book(start=NOW + timedelta(minutes=30))

    assert pending(booking) == []


def test_a_booking_made_90_minutes_ahead_gets_only_the_hour_reminder(book):
    start = NOW + timedelta(minutes=90)

    booking = book(start=start)

    assert pending(booking) == [("attendee", 60, 0, at(60, start))]


def test_a_meeting_type_without_offsets_plans_nothing(book, meeting_type):
    meeting_type.reminder_minutes = []
    meeting_type.save()

    assert pending(book()) == []


def test_a_reschedule_drops_the_old_revision_and_plans_the_new_time(book, committed):
    booking = book()
    later = START + timedelta(days=1, hours=2)

    committed(booking_service.reschedule, booking, start=later, now=NOW)

    assert sorted(pending(booking)) == [
        ("attendee", 60, 1, at(60, later)),
        ("attendee", 1440, 1, at(1440, later)),
    ]
    old = Reminder.objects.filter(booking=booking, sequence=0)
    assert sorted(old.values_list("status", flat=True)) == ["dropped", "dropped"]


def test_a_cancel_drops_the_pending_reminders_and_keeps_the_sent_ones(book, committed):
    booking = book()
    Reminder.objects.filter(booking=booking, minutes_before=1440).update(status="sent")

    committed(booking_service.cancel, booking, now=NOW)

    statuses = dict(
        Reminder.objects.filter(booking=booking).values_list("minutes_before", "status")
    )
    assert statuses == {1440: "sent", 60: "dropped"}


def test_a_handover_to_another_host_replans_the_host_rows(book, committed, meeting_type, host):
    other = make_host(name="Lena Vogel")
    meeting_type.hosts.add(other)
    meeting_type.assignment = "round_robin"
    meeting_type.remind_hosts = True
    meeting_type.save()
    booking = book(host=host)
    later = START + timedelta(hours=3)
    book(start=later, host=host, attendee_email="busy@example.com")  # host is busy then

    committed(booking_service.reschedule, booking, start=later, now=NOW)

    booking.refresh_from_db()
    assert booking.host == other
    assert sorted(r[0] for r in pending(booking)) == [
        "attendee",
        "attendee",
        f"host:{other.pk}",
        f"host:{other.pk}",
    ]
    assert not Reminder.objects.filter(booking=booking, host=host, status="pending").exists()


def test_planning_twice_makes_no_second_row(book, clock):
    booking = book()

    plan.plan(booking.pk)
    plan.plan(booking.pk)

    assert Reminder.objects.filter(booking=booking).count() == 2


def test_a_failing_planner_leaves_the_booking_confirmed(book, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(plan, "plan", broken)

    booking = book()

    assert Booking.objects.get(pk=booking.pk).is_confirmed
    assert not Reminder.objects.filter(booking=booking).exists()


def test_a_sandbox_booking_is_reminded_too(book):
    booking = book(sandbox=True)

    assert len(pending(booking)) == 2
