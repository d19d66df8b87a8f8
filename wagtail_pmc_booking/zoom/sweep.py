"""The periodic net under every other sync: each booking whose meeting is owed, in turn.

A booking change, a webhook or a lost retry task can all leave a meeting behind its
booking; the sweep finds them in the database and reconciles them one at a time,
stopping while Zoom is down or refuses the credentials.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone

from ..models import Booking
from ..models.bookings import BookingStatus
from ..models.meetings import MeetingState
from . import backoff
from .backends import get_client
from .outcomes import REPORTED_ACTIONS, Action, Outcome
from .reconcile import sync_meeting

logger = logging.getLogger(__name__)

# The sweep stops after this many bookings in a row found Zoom down.
SWEEP_MAX_FAILURES_IN_A_ROW = 3


@dataclass
class SweepReport:
    """Every booking a sweep acted on; ``paused`` says why it made no Zoom calls."""

    outcomes: list[Outcome] = field(default_factory=list)
    paused: str = ""
    stopped_early: bool = False

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def ids(self, action: Action) -> list[str]:
        return [o.booking_id for o in self.outcomes if o.action == action]

    @property
    def counts(self) -> dict[str, int]:
        return {action.value: len(self.ids(action)) for action in REPORTED_ACTIONS}


def sweep_candidates(now: datetime, *, respect_backoff: bool = True) -> list[int]:
    """Ids of bookings whose meeting differs from what they want and whose time has come
    (every one of them, waiting for a retry or parked, without ``respect_backoff``)."""
    due = Q()
    if respect_backoff:
        due = Q(meeting__next_attempt_at__lte=now) | Q(
            meeting__next_attempt_at__isnull=True, meeting__last_error=""
        )
    outdated = Q(meeting__state=MeetingState.SYNCED) & (
        Q(meeting__zoom_meeting_id__isnull=True)
        | Q(meeting__synced_sequence__isnull=True)
        | ~Q(meeting__synced_sequence=F("sequence"))
        | ~Q(meeting__zoom_user=F("host__zoom_user"))
    )
    owed = Q(
        meeting__state__in=[MeetingState.PENDING, MeetingState.FAILED, MeetingState.SKIPPED]
    ) | (
        Q(meeting__state=MeetingState.DELETED)
        & (Q(meeting__synced_sequence__isnull=True) | ~Q(meeting__synced_sequence=F("sequence")))
    )
    confirmed = Q(status=BookingStatus.CONFIRMED, end__gt=now, meeting_type__zoom_enabled=True) & (
        Q(meeting__isnull=True) | (due & (outdated | owed))
    )
    zoom_turned_off = (
        Q(status=BookingStatus.CONFIRMED, meeting_type__zoom_enabled=False)
        & Q(meeting__zoom_meeting_id__isnull=False)
        & due
    )
    cancelled = (
        Q(status=BookingStatus.CANCELLED)
        & due
        & (
            Q(meeting__zoom_meeting_id__isnull=False)
            | Q(meeting__state__in=[MeetingState.PENDING, MeetingState.FAILED])
        )
    )
    return list(
        Booking.objects.filter(confirmed | zoom_turned_off | cancelled)
        .order_by("start", "pk")
        .values_list("pk", flat=True)
    )


def sweep(now: datetime | None = None, *, respect_backoff: bool = True) -> SweepReport:
    """Reconcile every booking that needs it, one at a time; stops early while Zoom is down.

    The periodic task respects each meeting's retry time and a credentials pause; an
    explicit resync (``respect_backoff=False``) tries every owed meeting now. Either stops
    at the first refusal of the credentials.
    """
    now = now or timezone.now()
    report = SweepReport()
    backoff.unpark_after_settings_change(now)
    if respect_backoff and not get_client().is_sandbox:
        report.paused = backoff.credentials_rejected()
        if report.paused:
            logger.warning("Zoom sweep paused: %s", report.paused)
            return report
    failures_in_a_row = 0
    for booking_pk in sweep_candidates(now, respect_backoff=respect_backoff):
        outcome = sync_meeting(booking_pk, now=now, force=not respect_backoff)
        if outcome.action in (Action.UNCHANGED, Action.NOT_DUE):
            continue
        if outcome.action == Action.PAUSED:
            report.paused = outcome.error
            break
        report.add(outcome)
        if outcome.refused:
            report.paused = outcome.error
            break
        failures_in_a_row = failures_in_a_row + 1 if outcome.transient else 0
        if failures_in_a_row >= SWEEP_MAX_FAILURES_IN_A_ROW:
            report.stopped_early = True
            break
    logger.info("Zoom sweep: %s", report.counts)
    return report
