"""The cost of one booking stays flat: at most ten queries whatever the pool's size.

Counted as production runs them: the booking is its own transaction (no test savepoints)
and its after-commit work, which runs in Huey, is left out. Round robin reads the hosts
(with their stale-calendar flags and latest bookings), their hours, out of office, busy
times and bookings; then locks the host it picks, reads that host's bookings again,
inserts the booking and its audit line, and writes the webhook outbox.
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.booking.conftest import ATTENDEE, NOW, ist
from wagtail_pmc_booking import booking as booking_service

BUDGET = 10
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.fixture
def no_after_commit(monkeypatch):
    monkeypatch.setattr(booking_service, "announce", lambda booking_pk, change: None)


@contextmanager
def at_most_queries(budget: int = BUDGET):
    """Statements other than transaction control (SQLite's ``BEGIN IMMEDIATE``)."""
    with CaptureQueriesContext(connection) as captured:
        yield
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    assert len(statements) <= budget, "\n".join(statements)


def transactions_opened(captured: CaptureQueriesContext) -> list[str]:
    """The BEGINs among the captured statements (SQLite's ``BEGIN IMMEDIATE`` included)."""
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("BEGIN")]


def test_booking_takes_at_most_ten_queries(transactional_db, product_demo, no_after_commit):
    with at_most_queries():
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)


@pytest.mark.parametrize("hosts", [2, 5, 12])
def test_booking_in_a_round_robin_pool_takes_at_most_ten_queries(
    transactional_db, make_pool, no_after_commit, hosts
):
    meeting_type, _ = make_pool(hosts)
    start = NOW.replace(hour=10)
    booking_service.book(meeting_type, start=start.replace(day=7), now=NOW, **ATTENDEE)
    with at_most_queries():
        booking_service.book(meeting_type, start=start.replace(day=8), now=NOW, **ATTENDEE)


def test_a_booking_is_one_transaction(transactional_db, product_demo, no_after_commit):
    """The hosts are read before it in autocommit: one statement needs no transaction of
    its own (two round trips fewer per booking)."""
    with CaptureQueriesContext(connection) as captured:
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    begins = transactions_opened(captured)
    assert len(begins) == 1, begins


def test_rescheduling_takes_at_most_eleven_queries(transactional_db, demo_booking, no_after_commit):
    """A booking's queries, and first the lock of the booking being moved."""
    with at_most_queries(BUDGET + 1):
        booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)


def test_after_commit_work_is_one_announcement(product_demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    after_commit = [cb for cb in callbacks if getattr(cb, "func", None) is booking_service.announce]
    assert len(after_commit) == 1
