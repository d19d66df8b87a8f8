"""The writer re-checks calendar busy times in its transaction, and refreshes stale ones first."""

from datetime import timedelta

import pytest

from tests.booking.conftest import ATTENDEE, NOW, ist
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.calendars import sync
from wagtail_pmc_booking.exceptions import SlotUnavailable
from wagtail_pmc_booking.models import Booking, BookingEvent, BusyTime, HostCalendar
from wagtail_pmc_booking.models.bookings import EventKind


def calendar_of(host, *, synced=NOW, check_conflicts=True, name="Work"):
    return HostCalendar.objects.create(
        host=host,
        name=name,
        kind="ics",
        url="https://calendar.example.com/work.ics",
        check_conflicts=check_conflicts,
        last_synced_at=synced,
    )


def busy(calendar, start, minutes=30):
    BusyTime.objects.create(
        calendar=calendar, host=calendar.host, start=start, end=start + timedelta(minutes=minutes)
    )


def stale_lines(booking):
    return list(
        BookingEvent.objects.filter(booking=booking, kind=EventKind.CALENDAR_STALE).values_list(
            "message", "data"
        )
    )


def test_a_slot_hidden_by_a_busy_time_is_refused(book_slot, seed_host):
    busy(calendar_of(seed_host), ist(13, 10))
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10))
    assert not Booking.objects.exists()


def test_the_host_buffer_applies_around_a_busy_time(book_slot, seed_host):
    # Busy 10:35–11:00; the seed host's 15 minutes after 10:00–10:30 reach into it.
    busy(calendar_of(seed_host), ist(13, 10, 35), 25)
    with pytest.raises(SlotUnavailable):
        book_slot(ist(13, 10))
    assert book_slot(ist(13, 11, 30)).booking.start == ist(13, 11, 30)


def test_a_reschedule_onto_a_busy_time_is_refused(demo_booking, seed_host):
    busy(calendar_of(seed_host), ist(14, 10))
    with pytest.raises(SlotUnavailable):
        booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)
    demo_booking.refresh_from_db()
    assert demo_booking.start == ist(13, 10)


def test_a_round_robin_pool_books_the_host_whose_calendar_is_free(make_pool):
    meeting_type, (first, second) = make_pool(2)
    start = NOW.replace(day=7, hour=10)
    busy(calendar_of(first), start, 60)
    made = booking_service.book(meeting_type, start=start, now=NOW, **ATTENDEE).booking
    assert made.host_id == second.pk


def test_a_fresh_calendar_is_not_read_again(book_slot, seed_host, monkeypatch):
    calls = []
    monkeypatch.setattr(sync, "refresh_stale", lambda *a, **k: calls.append(a) or [])
    calendar_of(seed_host, synced=NOW - timedelta(seconds=30))
    made = book_slot(ist(13, 10)).booking
    assert calls == [] and stale_lines(made) == []


def test_a_failing_refresh_books_on_stored_data_with_a_warning(book_slot, seed_host, monkeypatch):
    def refresh_stale(*args, **kwargs):
        raise RuntimeError("refresh broke")

    monkeypatch.setattr(sync, "refresh_stale", refresh_stale)
    calendar = calendar_of(seed_host, synced=NOW - timedelta(minutes=10), name="Asha's work")
    made = book_slot(ist(13, 10)).booking
    [(message, data)] = stale_lines(made)
    assert message.startswith("Asha's work did not answer in time; booked on busy times read at ")
    assert data == {"calendar": calendar.pk, "error": "RuntimeError"}


def test_each_report_of_refresh_stale_is_an_audit_line(book_slot, seed_host, monkeypatch):
    calendar = calendar_of(seed_host, synced=None)
    seen = {}

    def refresh_stale(host_ids, *, budget_seconds, now=None):
        seen.update(host_ids=list(host_ids), budget=budget_seconds)
        return [sync.SyncReport(calendar.pk, calendar.name, error="timed out")]

    monkeypatch.setattr(sync, "refresh_stale", refresh_stale)
    made = book_slot(ist(13, 10)).booking
    assert seen == {"host_ids": [seed_host.pk], "budget": 2.0}
    [(message, data)] = stale_lines(made)
    assert "booked on busy times read at never" in message
    assert data == {"calendar": calendar.pk, "error": "timed out"}


def test_a_reschedule_refreshes_stale_calendars_too(demo_booking, seed_host, monkeypatch):
    calendar = calendar_of(seed_host, synced=None)
    monkeypatch.setattr(
        sync, "refresh_stale", lambda *a, **k: [sync.SyncReport(calendar.pk, "Work", error="x")]
    )
    booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)
    assert len(stale_lines(demo_booking)) == 1


def test_calendars_that_do_not_check_conflicts_are_not_refreshed(book_slot, seed_host):
    calendar_of(seed_host, synced=None, check_conflicts=False)
    assert stale_lines(book_slot(ist(13, 10)).booking) == []
