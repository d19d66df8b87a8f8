"""No double booking under concurrency: proven on PostgreSQL, serialized on SQLite."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from tests import factories
from tests.booking.conftest import ALL_WEEK, ATTENDEE, NOW, ist
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.exceptions import BookingBusy, SlotUnavailable
from wagtail_pmc_booking.models import Booking


def race(count, attempt):
    """Run ``attempt(i)`` in ``count`` threads released together; results or exceptions.

    Each thread uses its own database connection and closes it when done.
    """
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = attempt(i)
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@contextmanager
def holding(host_ids):
    """Another writer holds these hosts' rows (its own thread and connection) while the
    body runs; it lets go when the body is done."""
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                assert booking_service._lock(host_ids, skip_locked=False)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        yield
    finally:
        release.set()
        holder.join()


def attendee(i):
    return {**ATTENDEE, "attendee_email": f"racer{i}@example.com"}


def booked(outcomes):
    return [o for o in outcomes if isinstance(o, booking_service.BookingResult)]


def refused(outcomes):
    return [o for o in outcomes if isinstance(o, SlotUnavailable)]


@pytest.mark.postgres
def test_forty_clients_racing_for_one_slot_get_exactly_one_booking(postgres, product_demo):
    outcomes = race(
        40,
        lambda i: booking_service.book(product_demo, start=ist(13, 10), now=NOW, **attendee(i)),
    )

    assert len(booked(outcomes)) == 1
    assert len(refused(outcomes)) == 39, [o for o in outcomes if not isinstance(o, SlotUnavailable)]
    assert Booking.objects.confirmed().count() == 1


@pytest.mark.postgres
def test_forty_clients_racing_for_a_three_host_pool_get_three_hosts(postgres):
    hosts = [
        factories.make_host(windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0)
        for _ in range(3)
    ]
    pool = factories.make_meeting_type(hosts=hosts, assignment="round_robin")
    start = NOW + timedelta(days=1, hours=9)

    outcomes = race(40, lambda i: booking_service.book(pool, start=start, now=NOW, **attendee(i)))

    assert len(booked(outcomes)) == 3
    assert len(refused(outcomes)) == 37
    assert sorted(Booking.objects.values_list("host_id", flat=True)) == sorted(h.pk for h in hosts)


@pytest.mark.postgres
def test_the_database_refuses_an_overlapping_booking_that_bypasses_the_service(
    postgres, product_demo, seed_host
):
    first = booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE).booking
    start = first.start + timedelta(minutes=15)

    with pytest.raises(IntegrityError, match="pmc_booking_no_overlap"):
        with transaction.atomic():
            factories.make_booking_row(
                product_demo, seed_host, start, attendee_name="Sneaky", manage_token_hash="x"
            )
    assert Booking.objects.count() == 1


@pytest.mark.postgres
def test_a_cancelled_booking_does_not_hold_its_range_in_the_database(postgres, product_demo):
    first = booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE).booking
    booking_service.cancel(first, now=NOW)
    assert booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE).booking


def test_concurrent_bookings_end_with_one_booking_and_only_clean_refusals(
    transactional_db, product_demo
):
    """On SQLite the writers queue on the database lock; a lock timeout is retried."""
    outcomes = race(
        8,
        lambda i: booking_service.book(product_demo, start=ist(13, 10), now=NOW, **attendee(i)),
    )

    unexpected = [
        o
        for o in outcomes
        if isinstance(o, Exception) and not isinstance(o, (SlotUnavailable, BookingBusy))
    ]
    assert unexpected == []
    assert Booking.objects.count() == len(booked(outcomes)) == 1


@pytest.mark.postgres
def test_an_overlap_caught_only_by_the_database_is_a_clean_slot_unavailable(
    postgres, product_demo, monkeypatch
):
    booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    # Pretend both reads missed the existing booking: the constraint still refuses.
    real = booking_service._free_hosts

    def blind(*args, **kwargs):
        found = real(*args, **kwargs)
        return found._replace(free=[found.pool.hosts[0].pk])

    monkeypatch.setattr(booking_service, "_free_hosts", blind)
    monkeypatch.setattr(booking_service, "_free_now", lambda found, option, start: found.pool)
    with pytest.raises(SlotUnavailable):
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **attendee(2))
    assert Booking.objects.count() == 1


def test_a_database_that_stays_locked_is_reported_as_busy_not_as_a_crash(product_demo, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    attempts = []
    monkeypatch.setattr(booking_service, "_lock", lambda *a, **k: attempts.append(1) or locked())
    monkeypatch.setattr(booking_service.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(booking_service, "_is_transient", lambda exc: True)

    with pytest.raises(BookingBusy) as busy:
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    assert busy.value.code == "busy"
    assert len(attempts) == booking_service.WRITE_ATTEMPTS


def test_a_lock_that_clears_on_retry_books_normally(product_demo, monkeypatch):
    real = booking_service._lock
    failures = iter([OperationalError("database is locked")])

    def flaky(*args, **kwargs):
        for error in failures:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(booking_service, "_lock", flaky)
    monkeypatch.setattr(booking_service.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(booking_service, "_is_transient", lambda exc: True)

    assert booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE).booking


def test_other_database_errors_are_not_retried(product_demo, monkeypatch):
    attempts = []

    def broken(*args, **kwargs):
        attempts.append(1)
        raise OperationalError("no such table")

    monkeypatch.setattr(booking_service, "_lock", broken)
    with pytest.raises(OperationalError):
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    assert len(attempts) == 1


@pytest.mark.postgres
def test_a_host_another_booking_holds_is_skipped_for_the_next_in_policy_order(postgres):
    """Only the host being booked is locked: while another writer holds the round robin's
    first pick, this booking takes the second at once instead of waiting."""
    hosts = [
        factories.make_host(windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0)
        for _ in range(3)
    ]
    pool = factories.make_meeting_type(hosts=hosts, assignment="round_robin")
    start = NOW + timedelta(days=1, hours=9)
    first_pick = booking_service._ranked(
        pool,
        booking_service._free_hosts(
            pool, booking_service._booking_hosts(pool, NOW), start, 30, NOW
        ),
        start,
    )
    with holding(first_pick[0]):
        made = booking_service.book(pool, start=start, now=NOW, **ATTENDEE).booking
    assert made.host_id == first_pick[1][0]
    assert first_pick[0] != first_pick[1]


@pytest.mark.postgres
def test_a_reschedule_whose_host_is_held_moves_to_the_next_free_host(postgres):
    """The host stays when free; while another writer holds them, the reschedule goes to
    the policy's next pick at once instead of waiting or refusing."""
    hosts = [
        factories.make_host(windows=ALL_WEEK, timezone="UTC", buffer_before_minutes=0)
        for _ in range(2)
    ]
    pool = factories.make_meeting_type(hosts=hosts, assignment="round_robin")
    start = NOW + timedelta(days=1, hours=9)
    booking = booking_service.book(pool, start=start, now=NOW, **ATTENDEE).booking
    kept = booking.host_id
    with holding([kept]):
        moved = booking_service.reschedule(
            booking, start=start + timedelta(hours=2), now=NOW
        ).booking
    assert moved.host_id != kept
    assert moved.start == start + timedelta(hours=2)
