"""Each booking's Zoom meeting kept in line with the booking: desired against actual state.

The booking is the desired state (confirmed → a meeting for its host at its time;
cancelled → none; host out of office → none, "skipped"); ``ZoomMeeting`` is what Zoom
has as far as we know. ``sync_meeting`` compares the two and makes the calls that close
the gap, so running it twice does nothing the second time. It runs inline after a
booking commits (``sync_inline``, a short budget), from a Huey task after a failure, and
from the periodic ``sweep``.

A booking never gets two meetings: one sync per booking runs at a time (a PostgreSQL
advisory lock, freed even if the worker dies, or a lock in Django's cache), and an
attempt is counted in the database before Zoom is called, so after an attempt whose
outcome is unknown the next one looks the meeting up by its agenda marker first.
"""

import hashlib
import logging
import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scheduling
from ..conf import booking_settings
from ..models import Booking, BookingEvent, OutOfOffice, ZoomDefaults, ZoomMeeting
from ..models.bookings import BookingStatus, EventKind
from ..models.meetings import MeetingState
from .client import (
    ZoomClient,
    _as_timeout,
    agenda_marker,
    generate_passcode,
    get_client,
    meeting_settings,
)
from .errors import (
    ZoomAuthError,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomUnavailable,
)
from .sandbox import SandboxZoomClient

logger = logging.getLogger(__name__)

# What the booking wants.
PRESENT = "present"
ABSENT = "absent"
SKIP = "skip"
# Why no meeting is wanted for a confirmed booking.
HOST_OUT_OF_OFFICE = "host_out_of_office"
NO_ZOOM_USER = "no_zoom_user"
ZOOM_DISABLED = "zoom_disabled"

# What one sync did.
CREATED = "created"
UPDATED = "updated"
DELETED = "deleted"
SKIPPED = "skipped"
FAILED = "failed"
UNCHANGED = "unchanged"
NOT_DUE = "not_due"
BUSY = "busy"
PAUSED = "paused"
REPORTED_ACTIONS = (CREATED, UPDATED, DELETED, SKIPPED, FAILED, BUSY)

ACTOR = "system"
# A sync that finds the booking changed while it talked to Zoom goes round again.
MAX_ROUNDS = 3
# Another process holds the booking's lock: look again after this long.
BUSY_RETRY_SECONDS = 5
# The sweep stops after this many bookings in a row found Zoom down.
SWEEP_MAX_FAILURES_IN_A_ROW = 3
# No retry comes sooner than this, whatever the settings say: a worker never spins.
MIN_RETRY_SECONDS = 1.0
# An inline call is not started with less than this left of the budget.
MIN_CALL_SECONDS = 0.2
_LOCK_NAMESPACE = 0x504D435A  # "PMCZ"
_CACHE_PREFIX = "wagtail_pmc_booking:zoom"


class BudgetSpent(ZoomUnavailable):
    """The web request's time for Zoom ran out; a worker carries on without waiting."""


@dataclass(frozen=True)
class Desired:
    """What Zoom should have for a booking: a meeting for ``zoom_user``, or none (why)."""

    action: str
    sequence: int
    reason: str = ""
    zoom_user: str = ""


@dataclass
class Outcome:
    """What one sync did; ``retry_at`` is when another try is owed, if one is;
    ``refused``: Zoom refused the credentials, so every other booking would fail too."""

    booking_id: str
    action: str
    error: str = ""
    retry_at: datetime | None = None
    transient: bool = False
    refused: bool = False


@dataclass
class SweepReport:
    """Every booking a sweep acted on; ``paused`` says why it made no Zoom calls."""

    outcomes: list = field(default_factory=list)
    paused: str = ""
    stopped_early: bool = False

    def add(self, outcome):
        self.outcomes.append(outcome)

    def ids(self, action):
        return [o.booking_id for o in self.outcomes if o.action == action]

    @property
    def counts(self):
        return {action: len(self.ids(action)) for action in REPORTED_ACTIONS}


# Desired state --------------------------------------------------------------------------


def host_out_of_office(booking):
    """Whether an enabled out-of-office entry of the host (or of everyone) meets the booking."""
    host = booking.host
    tz = host.zoneinfo
    first, last = booking.start.astimezone(tz).date(), booking.end.astimezone(tz).date()
    rules = [
        scheduling.OutOfOfficeRule(*row)
        for row in OutOfOffice.objects.filter(
            Q(host=host) | Q(host__isnull=True),
            is_enabled=True,
            start_date__lte=last + timedelta(days=1),
            end_date__gte=first - timedelta(days=1),
        ).values_list("start_date", "end_date", "start_time", "end_time")
    ]
    if not rules:
        return False
    blocked = scheduling.out_of_office_intervals(rules, tz, first, last)
    return scheduling.overlaps_any(scheduling.Interval(booking.start, booking.end), blocked)


def desired_state(booking):
    """What Zoom should have for ``booking`` right now."""
    if booking.status != BookingStatus.CONFIRMED:
        return Desired(ABSENT, booking.sequence)
    if not booking.meeting_type.zoom_enabled:
        return Desired(SKIP, booking.sequence, reason=ZOOM_DISABLED)
    zoom_user = (booking.host.zoom_user or "").strip()
    if not zoom_user:
        return Desired(SKIP, booking.sequence, reason=NO_ZOOM_USER)
    if host_out_of_office(booking):
        return Desired(SKIP, booking.sequence, reason=HOST_OUT_OF_OFFICE)
    return Desired(PRESENT, booking.sequence, zoom_user=zoom_user)


def in_sync(record, desired):
    """Whether Zoom already matches ``desired`` as far as ``record`` knows."""
    if record is None:
        return desired.action == ABSENT or desired.reason == ZOOM_DISABLED
    if desired.action == PRESENT:
        synced = (
            record.state == MeetingState.SYNCED
            and record.zoom_meeting_id is not None
            and record.synced_sequence == desired.sequence
            and record.zoom_user == desired.zoom_user
        )
        # Deleted in Zoom on purpose (ZOOM_RECREATE_DELETED off): left so until it changes.
        tombstone = (
            record.state == MeetingState.DELETED
            and record.zoom_meeting_id is None
            and record.synced_sequence == desired.sequence
        )
        return synced or tombstone
    wanted = MeetingState.DELETED if desired.action == ABSENT else MeetingState.SKIPPED
    if record.zoom_meeting_id is not None:
        return False
    return record.state == wanted or (
        record.state in (MeetingState.DELETED, MeetingState.SKIPPED) and record.attempts == 0
    )


def is_due(record, now):
    """Not waiting for a retry time, and not parked until someone resyncs it."""
    if record is None:
        return True
    if record.next_attempt_at is None:
        return not record.last_error
    return record.next_attempt_at <= now


def meeting_topic(booking):
    """From the topic template editors set in Settings → Zoom meeting defaults."""
    return ZoomDefaults.load().topic_for(booking)


def meeting_agenda(booking):
    """The marker first (Zoom may shorten agendas in listings), then what the host needs."""
    lines = [agenda_marker(booking.public_id), booking.meeting_type.name]
    if booking.notes:
        lines.append(booking.notes)
    return "\n".join(lines)


def alternative_hosts(booking, zoom_user):
    """Co-hosts' Zoom users; None outside collective meetings, so updates leave them be."""
    if booking.meeting_type.assignment != scheduling.COLLECTIVE:
        return None
    users = []
    for host in booking.co_hosts.all():
        user = (host.zoom_user or "").strip()
        if user and user != zoom_user and user not in users:
            users.append(user)
    return users


def meeting_overrides(booking, record):
    """Topic and length set through the API for the booking's current revision."""
    if record is None or record.override_sequence != booking.sequence:
        return {}
    found = {"topic": record.topic_override or None, "duration": record.duration_override}
    return {key: value for key, value in found.items() if value is not None}


def meeting_request(booking, record, zoom_user, *, new):
    """The fields of ``create_meeting`` (``new``) or ``update_meeting`` for the booking now.

    The passcode stays the one attendees were sent; only a new meeting without one (say,
    Zoom deleted the old one) gets a fresh one.
    """
    meeting_type = booking.meeting_type
    passcode = None
    if meeting_type.zoom_passcode:
        passcode = record.passcode or (generate_passcode() if new else None)
    overrides = meeting_overrides(booking, record)
    return {
        "topic": overrides.get("topic") or meeting_topic(booking),
        "start_time": booking.start,
        "duration": overrides.get("duration") or booking.duration_minutes,
        "timezone": booking.host.timezone,
        "agenda": meeting_agenda(booking),
        "settings": meeting_settings(meeting_type),
        "alternative_hosts": alternative_hosts(booking, zoom_user),
        "passcode": passcode,
    }


# Retries ----------------------------------------------------------------------------------


def backoff(attempts, retry_after=None, *, rng=random):
    """Seconds before the next try: doubling from the base, capped, half of it jittered.

    ``retry_after`` (Zoom's ``Retry-After``) is a floor, even above the cap: the daily
    limit resets at midnight UTC however long that is.
    """
    base = float(booking_settings.ZOOM_RETRY_BASE_SECONDS)
    cap = float(booking_settings.ZOOM_RETRY_MAX_SECONDS)
    ceiling = min(cap, base * 2 ** min(max(attempts, 1) - 1, 30))
    delay = ceiling / 2 + rng.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return max(MIN_RETRY_SECONDS, delay)


def credentials_fingerprint():
    """Changes whenever the Zoom settings do; the secret only enters it hashed."""
    parts = (
        booking_settings.ZOOM_ACCOUNT_ID,
        booking_settings.ZOOM_CLIENT_ID,
        booking_settings.ZOOM_CLIENT_SECRET,
        booking_settings.ZOOM_API_BASE_URL,
        booking_settings.ZOOM_OAUTH_TOKEN_URL,
    )
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _rejected_key():
    return f"{_CACHE_PREFIX}:credentials-rejected:{credentials_fingerprint()}"


def credentials_rejected():
    """The error Zoom gave for the current credentials, if it refused them."""
    return cache.get(_rejected_key()) or ""


def _unpark_after_settings_change(now):
    """New Zoom settings deserve another try of everything parked under the old ones."""
    fingerprint = credentials_fingerprint()
    key = f"{_CACHE_PREFIX}:credentials-seen"
    if cache.get(key) == fingerprint:
        return
    ZoomMeeting.objects.filter(next_attempt_at__isnull=True).exclude(last_error="").exclude(
        state=MeetingState.DELETED
    ).update(next_attempt_at=now, updated_at=now)
    cache.set(key, fingerprint, None)


# Clients ----------------------------------------------------------------------------------


class BudgetedClient:
    """The real client for a web request: no call outlasts what is left of the budget.

    Each call gets a client whose connect and read timeouts are cut to the time left; a
    call is not started once too little is left (``BudgetSpent``).
    """

    is_sandbox = False

    def __init__(self, seconds):
        self._deadline = time.monotonic() + float(seconds)

    def _client(self):
        left = self._deadline - time.monotonic()
        if left < MIN_CALL_SECONDS:
            raise BudgetSpent(_("The time for Zoom in this request ran out."))
        connect, read = _as_timeout(booking_settings.ZOOM_TIMEOUT)
        return ZoomClient(
            account_id=booking_settings.ZOOM_ACCOUNT_ID,
            client_id=booking_settings.ZOOM_CLIENT_ID,
            client_secret=booking_settings.ZOOM_CLIENT_SECRET,
            api_base_url=booking_settings.ZOOM_API_BASE_URL,
            token_url=booking_settings.ZOOM_OAUTH_TOKEN_URL,
            timeout=(min(connect, left), min(read, left)),
        )

    def create_meeting(self, *args, **kwargs):
        return self._client().create_meeting(*args, **kwargs)

    def get_meeting(self, *args, **kwargs):
        return self._client().get_meeting(*args, **kwargs)

    def update_meeting(self, *args, **kwargs):
        return self._client().update_meeting(*args, **kwargs)

    def delete_meeting(self, *args, **kwargs):
        return self._client().delete_meeting(*args, **kwargs)

    def find_meeting_by_agenda_marker(self, *args, **kwargs):
        return self._client().find_meeting_by_agenda_marker(*args, **kwargs)

    def get_start_url(self, *args, **kwargs):
        return self._client().get_start_url(*args, **kwargs)


def backend_for(
    booking: Booking, budget: float | None = None
) -> ZoomClient | BudgetedClient | SandboxZoomClient:
    """The backend a booking's meetings live on: the sandbox for a sandbox booking, for life.

    Otherwise the configured one, cut to ``budget`` seconds when it is the real Zoom.
    """
    if booking.is_sandbox:
        return SandboxZoomClient()
    client = get_client()
    if budget is not None and not client.is_sandbox:
        return BudgetedClient(budget)
    return client


def client_for(booking: Booking, record: ZoomMeeting | None, default):
    """An existing meeting is handled by the backend that made it; a sandbox booking's
    meetings never leave the sandbox."""
    if booking.is_sandbox or (record is not None and record.is_sandbox):
        return default if default.is_sandbox else SandboxZoomClient()
    if default.is_sandbox and record is not None and record.zoom_meeting_id:
        real = get_client()
        if real.is_sandbox:
            raise ZoomAuthError(_("Zoom credentials are needed to change this Zoom meeting."))
        return real
    return default


# Locking ----------------------------------------------------------------------------------


@contextmanager
def booking_lock(booking_pk):
    """One sync per booking at a time; yields whether this one may go ahead.

    PostgreSQL: an advisory lock, which the server frees when a killed worker's
    connection drops; inside a transaction (``ATOMIC_REQUESTS``, tests) it is held until
    the transaction ends, so nobody reads the record before what we wrote is committed.
    Elsewhere: a lock in Django's cache (shared between processes when the cache is),
    which expires after ``ZOOM_LOCK_SECONDS``.
    """
    if connection.vendor == "postgresql":
        key = (_LOCK_NAMESPACE, int(booking_pk) % 2**31)
        in_transaction = connection.in_atomic_block
        take = "pg_try_advisory_xact_lock" if in_transaction else "pg_try_advisory_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {take}(%s, %s)", key)
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired and not in_transaction:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
                except DatabaseError:
                    logger.warning("Could not release the Zoom lock of booking %s", booking_pk)
        return
    key = f"{_CACHE_PREFIX}:sync-lock:{booking_pk}"
    token = uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=booking_settings.ZOOM_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


# Sync -------------------------------------------------------------------------------------


def _load(booking_pk):
    return (
        Booking.objects.select_related("meeting_type", "host")
        .prefetch_related("co_hosts")
        .filter(pk=booking_pk)
        .first()
    )


def _record_of(booking_pk):
    return ZoomMeeting.objects.filter(booking_id=booking_pk).first()


def _save(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=[*fields, "updated_at"])


def _succeeded(record, **fields):
    _save(record, attempts=0, last_error="", next_attempt_at=None, **fields)


def _event(booking, kind, message, **data):
    BookingEvent.objects.create(
        booking_id=booking.pk, kind=kind, message=message, data=data, actor=ACTOR
    )


def sync_meeting(booking, *, budget=None, force=False, now=None, announce=True):
    """Reconcile one booking's meeting; returns what it did as an ``Outcome``.

    ``force`` ignores the retry time and a credentials pause (a booking change, an
    explicit resync or API request); ``budget`` caps the time spent on Zoom (web
    requests). The backend is the booking's (``backend_for``). Zoom errors are recorded
    on the meeting and in the audit trail, never raised. ``announce``: a meeting made
    here is emailed to the attendee (off only right after a booking change, whose own
    email carries the link).
    """
    booking_pk = booking.pk if isinstance(booking, Booking) else booking
    with booking_lock(booking_pk) as acquired:
        if not acquired:
            public_id = Booking.objects.filter(pk=booking_pk).values_list("public_id", flat=True)
            retry_at = (now or timezone.now()) + timedelta(seconds=BUSY_RETRY_SECONDS)
            return Outcome(public_id.first() or "", BUSY, retry_at=retry_at)
        outcome = None
        for _round in range(MAX_ROUNDS):
            current = _load(booking_pk)
            if current is None:
                return Outcome("", UNCHANGED)
            record = _record_of(booking_pk)
            desired = desired_state(current)
            if in_sync(record, desired):
                return outcome or Outcome(current.public_id, UNCHANGED)
            moment = now or timezone.now()
            if outcome is None and not force and not is_due(record, moment):
                return Outcome(current.public_id, NOT_DUE, retry_at=record.next_attempt_at)
            chosen = backend_for(current, budget)
            if outcome is None and not force and not chosen.is_sandbox:
                rejected = credentials_rejected()
                if rejected:
                    return Outcome(current.public_id, PAUSED, error=rejected)
            outcome = _attempt(current, record, desired, chosen, moment, announce)
            if outcome.action == FAILED:
                return outcome
        return outcome


def _attempt(booking, record, desired, client, now, announce):
    if record is None:
        record = ZoomMeeting.objects.get_or_create(booking_id=booking.pk)[0]
    # Counted before Zoom is called: if this attempt dies with Zoom having created the
    # meeting, the next one knows to look for it.
    previous_attempts = record.attempts
    ZoomMeeting.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1, updated_at=now)
    record.attempts = previous_attempts + 1
    try:
        if desired.action == PRESENT:
            action = _ensure_present(booking, record, desired, client, previous_attempts)
        else:
            action = _ensure_absent(booking, record, desired, client, previous_attempts)
    except BudgetSpent:
        # Nothing was sent in this attempt, so it leaves no doubt to clear up later.
        _save(record, attempts=previous_attempts, next_attempt_at=now)
        logger.info("Zoom sync of booking %s handed to a worker", booking.public_id)
        return Outcome(booking.public_id, FAILED, retry_at=now, transient=True)
    except ZoomError as exc:
        return _failed(booking, record, exc, now)
    if not client.is_sandbox and action in (CREATED, UPDATED):
        cache.delete(_rejected_key())
    if announce and action == CREATED:
        transaction.on_commit(partial(_announce, booking.pk))
    logger.info("Zoom meeting of booking %s: %s", booking.public_id, action)
    return Outcome(booking.public_id, action)


def _ensure_present(booking, record, desired, client, previous_attempts):
    existing = client_for(booking, record, client)
    if record.zoom_meeting_id is not None and record.zoom_user != desired.zoom_user:
        old_id = record.zoom_meeting_id
        existing.delete_meeting(old_id)
        _save(record, zoom_meeting_id=None, join_url="", synced_sequence=None)
        _event(
            booking,
            EventKind.MEETING_DELETED,
            _("Zoom meeting deleted: the booking moved to another host."),
            zoom_meeting_id=str(old_id),
            reason="host_changed",
        )
    if record.zoom_meeting_id is not None:
        fields = meeting_request(booking, record, desired.zoom_user, new=False)
        try:
            existing.update_meeting(record.zoom_meeting_id, **fields)
        except ZoomNotFound:
            if not _gone_from_zoom(booking, record, desired):
                return DELETED
        else:
            _succeeded(record, state=MeetingState.SYNCED, synced_sequence=desired.sequence)
            _event(
                booking,
                EventKind.MEETING_UPDATED,
                _("Zoom meeting updated."),
                zoom_meeting_id=str(record.zoom_meeting_id),
                sequence=desired.sequence,
            )
            return UPDATED
    found = None
    if previous_attempts and record.zoom_user:
        found = _find_earlier_create(booking, record, desired, client)
    if found is not None:
        return _adopt(booking, record, desired, client, found)
    fields = meeting_request(booking, record, desired.zoom_user, new=True)
    if record.zoom_user != desired.zoom_user or record.is_sandbox != client.is_sandbox:
        _save(record, zoom_user=desired.zoom_user, is_sandbox=client.is_sandbox)
    meeting = client.create_meeting(desired.zoom_user, **fields)
    _succeeded(
        record,
        state=MeetingState.SYNCED,
        zoom_meeting_id=meeting.id,
        join_url=meeting.join_url,
        passcode=meeting.passcode,
        synced_sequence=desired.sequence,
        is_sandbox=client.is_sandbox,
    )
    _event(
        booking,
        EventKind.MEETING_CREATED,
        _("Zoom meeting created."),
        zoom_meeting_id=str(meeting.id),
        zoom_user=desired.zoom_user,
        sandbox=client.is_sandbox,
    )
    return CREATED


def _gone_from_zoom(booking, record, desired):
    """The meeting vanished from Zoom without a webhook: recreate it, or leave it deleted.

    Returns whether the caller should go on and create a new one.
    """
    old_id = record.zoom_meeting_id
    recreate = booking_settings.ZOOM_RECREATE_DELETED
    _event(
        booking,
        EventKind.MEETING_DELETED,
        _("The Zoom meeting was deleted in Zoom.")
        + " "
        + (_("A new one will be created.") if recreate else _("It is left deleted.")),
        zoom_meeting_id=str(old_id),
        reason="deleted_in_zoom",
    )
    if recreate:
        _save(record, zoom_meeting_id=None, join_url="", synced_sequence=None)
        return True
    _save(
        record,
        state=MeetingState.DELETED,
        zoom_meeting_id=None,
        join_url="",
        synced_sequence=desired.sequence,
        attempts=0,
        next_attempt_at=None,
        last_error=_("Deleted in Zoom; not recreated (ZOOM_RECREATE_DELETED is off)."),
    )
    return False


def _find_earlier_create(booking, record, desired, client):
    """The meeting an earlier attempt may have created although its answer never came.

    One under another host (the booking moved meanwhile) is deleted, not kept.
    """
    searcher = client_for(booking, record, client)
    found = searcher.find_meeting_by_agenda_marker(record.zoom_user, booking.public_id)
    if found is None:
        return None
    if record.zoom_user != desired.zoom_user or record.is_sandbox != client.is_sandbox:
        searcher.delete_meeting(found.id)
        _event(
            booking,
            EventKind.MEETING_DELETED,
            _("Deleted a Zoom meeting an interrupted attempt had created for the old host."),
            zoom_meeting_id=str(found.id),
            reason="host_changed",
        )
        return None
    return found


def _adopt(booking, record, desired, client, meeting):
    """Take over the meeting a lost create made, then bring it up to date."""
    _save(
        record,
        zoom_meeting_id=meeting.id,
        join_url=meeting.join_url,
        passcode=meeting.passcode,
        synced_sequence=None,
        is_sandbox=client.is_sandbox,
    )
    fields = meeting_request(booking, record, desired.zoom_user, new=False)
    client.update_meeting(meeting.id, **fields)
    _succeeded(record, state=MeetingState.SYNCED, synced_sequence=desired.sequence)
    _event(
        booking,
        EventKind.MEETING_CREATED,
        _("Zoom meeting created (found after an attempt whose answer was lost)."),
        zoom_meeting_id=str(meeting.id),
        zoom_user=desired.zoom_user,
        sandbox=client.is_sandbox,
        recovered=True,
    )
    return CREATED


def _ensure_absent(booking, record, desired, client, previous_attempts):
    deleted = None
    if record.zoom_meeting_id is not None:
        deleted = record.zoom_meeting_id
        client_for(booking, record, client).delete_meeting(deleted)
    elif previous_attempts and record.zoom_user:
        searcher = client_for(booking, record, client)
        found = searcher.find_meeting_by_agenda_marker(record.zoom_user, booking.public_id)
        if found is not None:
            deleted = found.id
            searcher.delete_meeting(deleted)
    skipping = desired.action == SKIP
    was = record.state
    _succeeded(
        record,
        state=MeetingState.SKIPPED if skipping else MeetingState.DELETED,
        zoom_meeting_id=None,
        join_url="",
        synced_sequence=desired.sequence,
    )
    if deleted is not None:
        _event(
            booking,
            EventKind.MEETING_DELETED,
            _("Zoom meeting deleted."),
            zoom_meeting_id=str(deleted),
            reason=desired.reason or "cancelled",
        )
    if skipping and was != MeetingState.SKIPPED:
        _event(
            booking, EventKind.MEETING_SKIPPED, skip_message(desired.reason), reason=desired.reason
        )
    return SKIPPED if skipping else DELETED


def skip_message(reason):
    return {
        HOST_OUT_OF_OFFICE: _("No Zoom meeting: the host is out of office at that time."),
        NO_ZOOM_USER: _("No Zoom meeting: the host has no Zoom user."),
        ZOOM_DISABLED: _("No Zoom meeting: Zoom is off for this meeting type."),
    }.get(reason, _("No Zoom meeting."))


def _failed(booking, record, exc, now):
    """Record a failed attempt: when to try again, or that it waits for an admin."""
    transient = isinstance(exc, ZoomUnavailable)
    if transient:
        retry_after = exc.retry_after if isinstance(exc, ZoomRateLimited) else None
        delay = backoff(record.attempts, retry_after)
    elif record.attempts < booking_settings.ZOOM_MAX_ATTEMPTS:
        delay = backoff(record.attempts)
    else:
        delay = None
    if isinstance(exc, ZoomAuthError):
        error = _("Zoom refused the app's credentials or scopes; check the Zoom settings.")
        error = f"{error} ({exc})"
        cache.set(_rejected_key(), error, None)
    else:
        error = str(exc)
    retry_at = None if delay is None else now + timedelta(seconds=delay)
    state = record.state
    if record.zoom_meeting_id is None:
        state = MeetingState.PENDING if transient else MeetingState.FAILED
    repeated = error == record.last_error
    _save(record, state=state, last_error=error, next_attempt_at=retry_at)
    if not repeated:
        _event(
            booking,
            EventKind.MEETING_FAILED,
            _("Zoom call failed.") + " " + error,
            error=error,
            attempts=record.attempts,
            retry_at=retry_at.isoformat() if retry_at else None,
        )
    logger.warning(
        "Zoom sync of booking %s failed (attempt %s): %s",
        booking.public_id,
        record.attempts,
        error,
    )
    return Outcome(
        booking.public_id,
        FAILED,
        error=error,
        retry_at=retry_at,
        transient=transient,
        refused=isinstance(exc, ZoomAuthError),
    )


# Entry points -------------------------------------------------------------------------


def schedule_retry(booking_pk, when):
    """Queue the retry task for ``when``; the sweep is the safety net if this is lost."""
    from .tasks import schedule_sync

    try:
        schedule_sync(booking_pk, when)
    except Exception:
        logger.exception("Could not queue the Zoom retry of booking %s", booking_pk)


def _announce(booking_pk):
    """The attendee's email with a join link that arrived after their booking's email."""
    from .. import tasks

    tasks.meeting_ready(booking_pk)


def sync_inline(booking, *, announce=True):
    """Right after a booking change: try within ``ZOOM_INLINE_BUDGET_SECONDS``, else queue."""
    outcome = sync_meeting(
        booking,
        budget=booking_settings.ZOOM_INLINE_BUDGET_SECONDS,
        force=True,
        announce=announce,
    )
    if outcome.retry_at is not None:
        booking_pk = booking.pk if isinstance(booking, Booking) else booking
        schedule_retry(booking_pk, outcome.retry_at)
    return outcome


OK = "ok"
QUEUED = "queued"


@dataclass(frozen=True)
class MeetingAnswer:
    """What ``POST /integrations/zoom/meetings`` answers: ok, queued or skipped."""

    status: str
    record: ZoomMeeting | None
    reason: str = ""


def request_meeting(
    booking: Booking, *, topic: str | None = None, duration: int | None = None
) -> MeetingAnswer:
    """The meeting the API promises for a confirmed booking; safe to repeat.

    An explicit request, so it tries now, whatever the retry time of an earlier failure:
    made if Zoom answers within the inline budget, else queued; skipped (no Zoom call)
    when the booking wants none. ``topic``/``duration`` that differ from the meeting's
    are recorded and sent. A sandbox booking's meeting is made in the sandbox.
    """
    record = _record_of(booking.pk)
    desired = desired_state(booking)
    budget = booking_settings.ZOOM_INLINE_BUDGET_SECONDS
    if record is not None and record.state == MeetingState.DELETED and desired.action == PRESENT:
        # Deleted in Zoom and left so: asking for the meeting explicitly brings it back.
        _save(record, synced_sequence=None, last_error="", next_attempt_at=None)
    if desired.action == SKIP:
        sync_meeting(booking, budget=budget, force=True)
        return MeetingAnswer(SKIPPED, _record_of(booking.pk), desired.reason)
    if topic is not None or duration is not None:
        _set_overrides(booking, record, topic, duration)
    outcome = sync_meeting(booking, budget=budget, force=True)
    record = _record_of(booking.pk)
    if record is not None and record.state == MeetingState.SYNCED and record.zoom_meeting_id:
        if in_sync(record, desired_state(booking)):
            return MeetingAnswer(OK, record)
    if outcome.action in (FAILED, BUSY) and outcome.retry_at is not None:
        schedule_retry(booking.pk, outcome.retry_at)
    return MeetingAnswer(QUEUED, record)


def _set_overrides(
    booking: Booking, record: ZoomMeeting | None, topic: str | None, duration: int | None
) -> None:
    """Store what departs from the booking's defaults; the defaults themselves are never
    stored, so a long default topic is clipped only where it is sent (``meeting_fields``)."""
    defaults = {"topic": meeting_topic(booking), "duration": booking.duration_minutes}
    current = {**defaults, **meeting_overrides(booking, record)}
    given = {"topic": topic, "duration": duration}
    wanted = {key: current[key] if value is None else value for key, value in given.items()}
    if wanted == current:
        return
    stored = {key: None if wanted[key] == defaults[key] else wanted[key] for key in wanted}
    if record is None:
        record, _created = ZoomMeeting.objects.get_or_create(booking=booking)
    _save(
        record,
        topic_override=stored["topic"] or "",
        duration_override=stored["duration"],
        override_sequence=booking.sequence,
        synced_sequence=None,
    )
    _event(
        booking,
        EventKind.MEETING_UPDATED,
        _("Zoom meeting topic or length set through the API."),
        sequence=booking.sequence,
        **wanted,
    )


def resync_now(booking):
    """The admin's "resync now": one attempt at once, parked or not, then queue if needed."""
    return sync_inline(booking)


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
    _unpark_after_settings_change(now)
    if respect_backoff and not get_client().is_sandbox:
        report.paused = credentials_rejected()
        if report.paused:
            logger.warning("Zoom sweep paused: %s", report.paused)
            return report
    failures_in_a_row = 0
    for booking_pk in sweep_candidates(now, respect_backoff=respect_backoff):
        outcome = sync_meeting(booking_pk, now=now, force=not respect_backoff)
        if outcome.action in (UNCHANGED, NOT_DUE):
            continue
        if outcome.action == PAUSED:
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
