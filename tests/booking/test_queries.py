"""The cost of one booking stays flat: a fixed number of queries.

Fourteen: the webhook outbox reads the active endpoints once per audit line that is an
event (``webhooks/outbox.py``), and the pool reads its hosts' date overrides (one query,
whatever the number of hosts).
"""

from tests.booking.conftest import ATTENDEE, NOW, ist
from wagtail_pmc_booking import booking as booking_service


def test_booking_takes_at_most_fourteen_queries(
    product_demo, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with django_assert_max_num_queries(14):
            booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE)
    after_commit = [cb for cb in callbacks if getattr(cb, "func", None) is booking_service.announce]
    assert len(after_commit) == 1


def test_booking_in_a_round_robin_pool_takes_at_most_fourteen_queries(
    make_pool, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    meeting_type, _ = make_pool(5)
    start = NOW.replace(hour=10)
    with django_capture_on_commit_callbacks(execute=False):
        booking_service.book(meeting_type, start=start.replace(day=7), now=NOW, **ATTENDEE)
        with django_assert_max_num_queries(14):
            booking_service.book(meeting_type, start=start.replace(day=8), now=NOW, **ATTENDEE)


def test_rescheduling_takes_at_most_fourteen_queries(
    demo_booking, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        with django_assert_max_num_queries(14):
            booking_service.reschedule(demo_booking, start=ist(14, 10), now=NOW)
