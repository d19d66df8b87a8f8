"""Each booking's Zoom meeting brought in line with the booking: desired against actual.

``sync_meeting`` compares what the booking wants (``desired``) with ``ZoomMeeting`` and
makes the calls that close the gap, so running it twice does nothing the second time.
Zoom errors are recorded, never raised; when another try is owed the ``Outcome`` says
when, and the caller queues it (this module does not know the task queue).

A booking never gets two meetings: one sync per booking runs at a time (``locks``), and
an attempt is counted before Zoom is called, so after an attempt whose outcome is unknown
the next one looks the meeting up by its agenda marker first.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, signals
from ..conf import booking_settings
from ..models import Booking, ZoomMeeting
from ..models.bookings import EventKind
from . import backoff
from .backends import BudgetSpent, ZoomBackend, backend_for
from .desired import Desired, Want, desired_state, in_sync, is_due
from .ensure import ensure_absent, ensure_present
from .errors import ZoomAuthError, ZoomError, ZoomRateLimited, ZoomUnavailable
from .locks import booking_lock
from .outcomes import Action, Outcome, RetryScheduler

logger = logging.getLogger(__name__)

# A sync that finds the booking changed while it talked to Zoom goes round again.
MAX_ROUNDS = 3
# Another process holds the booking's lock: look again after this long.
BUSY_RETRY_SECONDS = 5


def _load(booking_pk: int) -> Booking | None:
    """The booking with what its desired state needs, and its meeting record, if any
    (co-hosts are read only for a collective meeting, which lists them)."""
    return (
        Booking.objects.select_related("meeting_type", "host", "meeting")
        .filter(pk=booking_pk)
        .first()
    )


def _changed_since(booking: Booking) -> bool:
    """Whether the booking moved on (every change bumps ``sequence``) since it was read."""
    now_at = Booking.objects.filter(pk=booking.pk).values_list("sequence", flat=True).first()
    return now_at != booking.sequence


def record_of(booking_pk: int) -> ZoomMeeting | None:
    return ZoomMeeting.objects.filter(booking_id=booking_pk).first()


def sync_meeting(
    booking_pk: int,
    *,
    budget: float | None = None,
    force: bool = False,
    now: datetime | None = None,
    announce: bool = True,
) -> Outcome:
    """Reconcile one booking's meeting; returns what it did as an ``Outcome``.

    ``force`` ignores the retry time and a credentials pause (a booking change, an
    explicit resync or API request); ``budget`` caps the time spent on Zoom (web
    requests). The backend is the booking's (``backend_for``). ``announce``: a meeting
    made here is announced (``signals.meeting_ready``) once committed; off only right
    after a booking change, whose own email carries the link.
    """
    with booking_lock(booking_pk) as acquired:
        if not acquired:
            public_id = Booking.objects.filter(pk=booking_pk).values_list("public_id", flat=True)
            retry_at = (now or timezone.now()) + timedelta(seconds=BUSY_RETRY_SECONDS)
            return Outcome(public_id.first() or "", Action.BUSY, retry_at=retry_at)
        outcome = None
        for _round in range(MAX_ROUNDS):
            current = _load(booking_pk)
            if current is None:
                return Outcome("", Action.UNCHANGED)
            record: ZoomMeeting | None = getattr(current, "meeting", None)
            desired = desired_state(current)
            if in_sync(record, desired):
                return outcome or Outcome(current.public_id, Action.UNCHANGED)
            moment = now or timezone.now()
            if outcome is None and not force and not is_due(record, moment):
                waiting = record.next_attempt_at if record is not None else None
                return Outcome(current.public_id, Action.NOT_DUE, retry_at=waiting)
            chosen = backend_for(current, budget)
            if outcome is None and not force and not chosen.is_sandbox:
                rejected = backoff.credentials_rejected()
                if rejected:
                    return Outcome(current.public_id, Action.PAUSED, error=rejected)
            record, earlier = _counted(current, record, desired, chosen, moment)
            outcome = _attempt(current, record, desired, chosen, moment, announce, earlier)
            if outcome.action == Action.FAILED:
                return outcome
            # Done when the record matches and the booking stayed as read: one narrow
            # read instead of loading it all again.
            if in_sync(record, desired) and not _changed_since(current):
                return outcome
        assert outcome is not None
        return outcome


def sync_inline(booking_pk: int, schedule: RetryScheduler, *, announce: bool = True) -> Outcome:
    """Right after a booking change: try within ``ZOOM_INLINE_BUDGET_SECONDS``, else queue
    the retry with ``schedule``."""
    outcome = sync_meeting(
        booking_pk,
        budget=booking_settings.ZOOM_INLINE_BUDGET_SECONDS,
        force=True,
        announce=announce,
    )
    if outcome.retry_owed is not None:
        schedule(booking_pk, outcome.retry_owed)
    return outcome


def _announce(booking_pk: int) -> None:
    """The attendee's email with a join link that arrived after their booking's email."""
    for receiver, error in signals.meeting_ready.send_robust(sender=Booking, booking_pk=booking_pk):
        if isinstance(error, Exception):
            logger.error(
                "meeting_ready receiver %r failed for booking %s",
                receiver,
                booking_pk,
                exc_info=error,
            )


def _counted(
    booking: Booking,
    record: ZoomMeeting | None,
    desired: Desired,
    client: ZoomBackend,
    now: datetime,
) -> tuple[ZoomMeeting, int]:
    """The record with this attempt counted before Zoom is called (if it dies with Zoom
    having made the meeting, the next one knows to look for it); the earlier count."""
    if record is None:
        present = desired.action == Want.PRESENT
        return ZoomMeeting.first_attempt(
            booking.pk, now, zoom_user=desired.zoom_user, is_sandbox=present and client.is_sandbox
        )
    return record, record.count_attempt(now)


def _attempt(
    booking: Booking,
    record: ZoomMeeting,
    desired: Desired,
    client: ZoomBackend,
    now: datetime,
    announce: bool,
    previous_attempts: int,
) -> Outcome:
    try:
        if desired.action == Want.PRESENT:
            action = ensure_present(booking, record, desired, client, previous_attempts)
        else:
            action = ensure_absent(booking, record, desired, client, previous_attempts)
    except BudgetSpent:
        # Nothing was sent in this attempt, so it leaves no doubt to clear up later.
        record.attempt_not_made(previous_attempts, retry_at=now)
        logger.info("Zoom sync of booking %s handed to a worker", booking.public_id)
        return Outcome(booking.public_id, Action.FAILED, retry_at=now, transient=True)
    except ZoomError as exc:
        return _failed(booking, record, exc, now)
    if not client.is_sandbox and action in (Action.CREATED, Action.UPDATED):
        backoff.accept_credentials()
    if announce and action == Action.CREATED:
        transaction.on_commit(partial(_announce, booking.pk))
    logger.info("Zoom meeting of booking %s: %s", booking.public_id, action)
    return Outcome(booking.public_id, action)


def _failed(booking: Booking, record: ZoomMeeting, exc: ZoomError, now: datetime) -> Outcome:
    """Record a failed attempt: when to try again, or that it waits for an admin."""
    transient = isinstance(exc, ZoomUnavailable)
    delay: float | None
    if transient:
        retry_after = exc.retry_after if isinstance(exc, ZoomRateLimited) else None
        delay = backoff.backoff(record.attempts, retry_after)
    elif record.attempts < booking_settings.ZOOM_MAX_ATTEMPTS:
        delay = backoff.backoff(record.attempts)
    else:
        delay = None
    if isinstance(exc, ZoomAuthError):
        error = _("Zoom refused the app's credentials or scopes; check the Zoom settings.")
        error = f"{error} ({exc})"
        backoff.refuse_credentials(error)
    else:
        error = str(exc)
    retry_at = None if delay is None else now + timedelta(seconds=delay)
    repeated = error == record.last_error
    record.failed(error, transient=transient, retry_at=retry_at)
    if not repeated:
        audit.record(
            booking,
            EventKind.MEETING_FAILED,
            _("Zoom call failed.") + " " + error,
            {
                "error": error,
                "attempts": record.attempts,
                "retry_at": retry_at.isoformat() if retry_at else None,
            },
        )
    logger.warning(
        "Zoom sync of booking %s failed (attempt %s): %s",
        booking.public_id,
        record.attempts,
        error,
    )
    return Outcome(
        booking.public_id,
        Action.FAILED,
        error=error,
        retry_at=retry_at,
        transient=transient,
        refused=isinstance(exc, ZoomAuthError),
    )
