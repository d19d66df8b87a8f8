"""Host selection: who among the free hosts gets the booking."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from wagtail_pmc_booking.scheduling import (
    COLLECTIVE,
    FIXED,
    LEAST_BUSY,
    ROUND_ROBIN,
    Candidate,
    NoHostAvailable,
    choose_host,
    pool_mode,
)

EARLY = datetime(2026, 4, 1, 9, tzinfo=UTC)
LATE = datetime(2026, 4, 2, 9, tzinfo=UTC)


def test_policy_names_are_the_stored_values():
    assert (FIXED, ROUND_ROBIN, LEAST_BUSY, COLLECTIVE) == (
        "fixed",
        "round_robin",
        "least_busy",
        "collective",
    )


@pytest.mark.parametrize("policy", [FIXED, ROUND_ROBIN, LEAST_BUSY, COLLECTIVE])
def test_no_free_host_raises(policy):
    with pytest.raises(NoHostAvailable):
        choose_host(policy, [])


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        choose_host("random", [Candidate(1)])


def test_fixed_takes_the_first_host_in_list_order():
    assert choose_host(FIXED, [Candidate(5, order=2), Candidate(9, order=1)]) == [9]


def test_collective_books_everyone_first_in_list_order_first():
    candidates = [Candidate(5, order=2), Candidate(9, order=0), Candidate(1, order=1)]
    assert choose_host(COLLECTIVE, candidates) == [9, 1, 5]


class TestRoundRobin:
    def test_higher_priority_wins(self):
        candidates = [Candidate(1, priority=2), Candidate(2, priority=3, last_booked_at=LATE)]
        assert choose_host(ROUND_ROBIN, candidates) == [2]

    def test_never_booked_host_goes_first(self):
        candidates = [Candidate(1, last_booked_at=EARLY), Candidate(2, order=1)]
        assert choose_host(ROUND_ROBIN, candidates) == [2]

    def test_least_recently_booked_goes_next(self):
        candidates = [Candidate(1, last_booked_at=LATE), Candidate(2, last_booked_at=EARLY)]
        assert choose_host(ROUND_ROBIN, candidates) == [2]

    def test_weight_breaks_a_tie(self):
        candidates = [Candidate(1, weight=100), Candidate(2, weight=150, order=1)]
        assert choose_host(ROUND_ROBIN, candidates) == [2]

    def test_list_order_breaks_a_full_tie(self):
        candidates = [Candidate(1, order=1), Candidate(2, order=0)]
        assert choose_host(ROUND_ROBIN, candidates) == [2]

    def test_equal_hosts_share_bookings_evenly(self):
        hosts = {host_id: Candidate(host_id, order=host_id) for host_id in (1, 2, 3)}
        counts: Counter[int] = Counter()
        for booking in range(30):
            [chosen] = choose_host(ROUND_ROBIN, list(hosts.values()))
            hosts[chosen] = replace(hosts[chosen], last_booked_at=EARLY + timedelta(hours=booking))
            counts[chosen] += 1
        assert counts == {1: 10, 2: 10, 3: 10}

    def test_higher_priority_host_takes_every_booking_while_free(self):
        hosts = {1: Candidate(1, priority=4), 2: Candidate(2, order=1), 3: Candidate(3, order=2)}
        chosen_each_time = []
        for booking in range(10):
            [chosen] = choose_host(ROUND_ROBIN, list(hosts.values()))
            hosts[chosen] = replace(hosts[chosen], last_booked_at=EARLY + timedelta(hours=booking))
            chosen_each_time.append(chosen)
        assert chosen_each_time == [1] * 10


class TestLeastBusy:
    def test_fewest_bookings_this_week_wins(self):
        candidates = [
            Candidate(1, priority=4, bookings_in_week=5),
            Candidate(2, bookings_in_week=2, last_booked_at=LATE),
        ]
        assert choose_host(LEAST_BUSY, candidates) == [2]

    def test_a_tie_falls_back_to_round_robin(self):
        candidates = [
            Candidate(1, bookings_in_week=2, last_booked_at=LATE),
            Candidate(2, bookings_in_week=2, last_booked_at=EARLY),
        ]
        assert choose_host(LEAST_BUSY, candidates) == [2]


@pytest.mark.parametrize(
    ("policy", "mode"),
    [(FIXED, "union"), (ROUND_ROBIN, "union"), (LEAST_BUSY, "union"), (COLLECTIVE, "intersection")],
)
def test_collective_pools_need_everyone_and_the_others_anyone(policy, mode):
    assert pool_mode(policy) == mode
