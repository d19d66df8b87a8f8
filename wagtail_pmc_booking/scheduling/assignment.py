"""Which of the hosts free for a slot gets the booking.

Pure and deterministic: the booking service gathers the facts (priority, last booking,
load) inside its transaction and this module only ranks them, so the same inputs always
pick the same host and the policies can be tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .slots import INTERSECTION, UNION

__all__ = [
    "COLLECTIVE",
    "FIXED",
    "LEAST_BUSY",
    "POLICIES",
    "ROUND_ROBIN",
    "Candidate",
    "NoHostAvailable",
    "choose_host",
    "pool_mode",
    "rank_hosts",
]

FIXED = "fixed"
ROUND_ROBIN = "round_robin"
LEAST_BUSY = "least_busy"
COLLECTIVE = "collective"
POLICIES = (FIXED, ROUND_ROBIN, LEAST_BUSY, COLLECTIVE)

_NEVER = datetime.min.replace(tzinfo=UTC)


class NoHostAvailable(Exception):
    """No host is free for the requested slot."""


@dataclass(frozen=True)
class Candidate:
    """A host free for the slot, with the facts the policies rank by.

    ``priority`` 0..4, higher wins; ``last_booked_at`` is when the latest booking of this
    meeting type was created for the host (None = never); ``bookings_in_week`` counts
    confirmed bookings in the slot's week; ``order`` is the position in the host list.
    """

    host_id: int
    priority: int = 2
    weight: int = 100
    last_booked_at: datetime | None = None
    bookings_in_week: int = 0
    order: int = 0


def _round_robin_key(candidate: Candidate) -> tuple[int, bool, datetime, int, int, int]:
    """Priority first; then whoever waited longest, so equal hosts take turns."""
    return (
        -candidate.priority,
        candidate.last_booked_at is not None,
        candidate.last_booked_at or _NEVER,
        -candidate.weight,
        candidate.order,
        candidate.host_id,
    )


def _least_busy_key(candidate: Candidate) -> tuple[int, int, bool, datetime, int, int, int]:
    return (candidate.bookings_in_week, *_round_robin_key(candidate))


def _by_order(candidate: Candidate) -> tuple[int, int]:
    return (candidate.order, candidate.host_id)


def rank_hosts(policy: str, candidates: Sequence[Candidate]) -> list[int]:
    """Every candidate's host id, best first by ``policy``: the booking service tries
    them in this order, so when the first is taken by a concurrent booking the next one
    the policy would have picked gets it. ``collective`` ranks in Zoom order."""
    if policy not in POLICIES:
        raise ValueError(f"unknown assignment policy {policy!r}")
    key = {ROUND_ROBIN: _round_robin_key, LEAST_BUSY: _least_busy_key}.get(policy, _by_order)
    return [candidate.host_id for candidate in sorted(candidates, key=key)]


def choose_host(policy: str, candidates: Sequence[Candidate]) -> list[int]:
    """The host ids to book, in Zoom order: one host, or everyone for ``collective``.

    For ``collective`` the first id is the Zoom meeting host and the rest are
    alternative hosts.
    """
    if not candidates:
        raise NoHostAvailable("no host is free for this slot")
    ranked = rank_hosts(policy, candidates)
    return ranked if policy == COLLECTIVE else ranked[:1]


def pool_mode(policy: str) -> str:
    """How a meeting type's hosts combine into slots: ``collective`` needs everyone."""
    if policy not in POLICIES:
        raise ValueError(f"unknown assignment policy {policy!r}")
    return INTERSECTION if policy == COLLECTIVE else UNION
