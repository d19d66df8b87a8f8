"""Chaos: Zoom fails throughout a rush of bookings; once it is back, the sweep leaves exactly
one meeting per confirmed booking, none for cancelled ones, and nothing else in Zoom."""

from datetime import timedelta

from tests.zoom_lifecycle.conftest import at, meeting_of, reload
from wagtail_pmc_booking.models import ZoomMeeting
from wagtail_pmc_booking.zoom.sweep import sweep

BOOKINGS = 50
CANCELLED = 10
MAX_SWEEPS = 6


def test_after_an_outage_every_confirmed_booking_has_exactly_one_meeting(fake_zoom, book, cancel):
    # Creates Zoom accepts but whose answers are lost, then Zoom failing outright.
    fake_zoom.fail_next("lost_response", count=12, method="POST")
    fake_zoom.set_fault("500")
    starts = [at(6, 30 * n, offset=3) for n in range(32)] + [
        at(6, 30 * n, offset=4) for n in range(BOOKINGS - 32)
    ]

    bookings = [book(start) for start in starts]
    cancelled = [cancel(b) for b in bookings[::5][:CANCELLED]]

    confirmed = [b for b in bookings if b.pk not in {c.pk for c in cancelled}]
    assert len(bookings) == BOOKINGS and len(confirmed) == BOOKINGS - CANCELLED
    assert all(reload(b).status == "confirmed" for b in confirmed)
    assert len(fake_zoom.meetings) == 12  # made by Zoom, unknown to us
    fake_zoom.clear_faults()

    for _ in range(MAX_SWEEPS):
        pending = ZoomMeeting.objects.exclude(next_attempt_at=None)
        if not pending.exists():
            break
        latest = max(pending.values_list("next_attempt_at", flat=True))
        sweep(now=latest + timedelta(seconds=1))

    by_booking = {}
    for meeting in fake_zoom.meetings.values():
        public_id = meeting["agenda"].split("]", 1)[0].removeprefix("[pmc:")
        by_booking.setdefault(public_id, []).append(meeting["id"])
    assert sorted(by_booking) == sorted(b.public_id for b in confirmed)  # no orphans
    assert all(len(ids) == 1 for ids in by_booking.values())  # no duplicates
    for booking in confirmed:
        record = meeting_of(booking)
        assert record.state == "synced"
        assert [record.zoom_meeting_id] == by_booking[booking.public_id]
    for booking in cancelled:
        assert reload(booking).status == "cancelled"
        assert meeting_of(booking).state == "deleted"
