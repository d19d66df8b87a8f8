"""Book, reschedule and cancel: the only code that writes ``Booking`` rows.

Each change is one transaction that locks the host rows it may book (in primary-key
order, so two writers never wait on each other in a cycle), re-checks the slot with the
exact predicate the listing uses, and only then writes. Side effects (Zoom, emails) run
after commit, from ``tasks.booking_committed``.
"""

import logging
import random
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import availability, scheduling, tasks
from .exceptions import (
    BookingCancelled,
    BookingChanged,
    BookingError,
    BookingNotFound,
    InvalidBookingRequest,
    SlotUnavailable,
)
from .links import (
    absolute_url,
    get_by_manage_token,
    manage_token_for,
    manage_urls,
    read_rebook_offer,
    rebook_offer,
    rebook_url,
)
from .models import Booking, BookingEvent, Host
from .models.bookings import BookingStatus, EventKind
from .tokens import hashes_match, manage_token, manage_token_lookup_hash, random_base32
from .validators import available_timezones

__all__ = [
    "BookingBusy",
    "BookingResult",
    "absolute_url",
    "book",
    "cancel",
    "get_by_manage_token",
    "manage_token_for",
    "manage_urls",
    "read_rebook_offer",
    "rebook",
    "rebook_offer",
    "rebook_options",
    "rebook_url",
    "reschedule",
    "reschedule_options",
]

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 255
EMAIL_MAX_LENGTH = 254
NOTES_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 5000
NONCE_LENGTH = 16
# Marks the nonce a cancellation derived from the previous one (see ``_rotate_token``).
CANCELLED_NONCE_PREFIX = "c:"
# Rebook offers are looked for this far from the cancelled booking's local day.
REBOOK_SEARCH_DAYS = timedelta(days=7)
# The PostgreSQL exclusion constraint of migration 0002.
OVERLAP_CONSTRAINT = "pmc_booking_no_overlap"
# A locked SQLite database (or a PostgreSQL deadlock) is retried this often, with jitter.
WRITE_ATTEMPTS = 5
RETRY_BASE_DELAY = 0.025
# SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

CREATED = "created"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"


class BookingBusy(BookingError):
    """The database stayed locked through every retry; the caller may simply try again."""

    code = "busy"
    default_message = gettext_lazy("Bookings are busy right now. Please try again in a moment.")


@dataclass(frozen=True)
class BookingResult:
    """The booking as written, and the link secret only its attendee may be given."""

    booking: Booking
    manage_token: str  # plaintext, only for the attendee (answer + email)


@dataclass(frozen=True)
class _Attendee:
    name: str
    email: str
    timezone: str
    notes: str


# Public API ----------------------------------------------------------------------------


def book(
    meeting_type,
    *,
    start,
    duration=None,
    attendee_name,
    attendee_email,
    attendee_timezone,
    notes="",
    host=None,
    now=None,
    actor="attendee",
    sandbox=False,
    rebooked_from=None,
):
    """Book ``start`` if the listing would offer it right now, else ``SlotUnavailable``.

    ``host`` asks for one host of the meeting type; without it the assignment policy
    picks among the hosts free at that time (``collective`` books all of them).
    ``sandbox`` marks a booking made with a ``pmc_test_`` key: Zoom sandbox for life.
    ``rebooked_from`` is the cancelled booking whose offer this is: it is rebooked at most
    once, and a repeat answers with the booking the first one made.
    """
    now = now or timezone.now()
    errors = {}
    if not meeting_type.is_active:
        errors["meeting_type"] = [_("This meeting type is not open for booking.")]
    start = _clean_start(start, errors)
    duration = _clean_duration(meeting_type, duration, errors)
    attendee = _clean_attendee(attendee_name, attendee_email, attendee_timezone, notes, errors)
    _raise_for(errors)

    def write():
        if rebooked_from is not None:
            made = _made_from_offer(rebooked_from)
            if made is not None:
                return BookingResult(made, manage_token_for(made))
        hosts = _lock_hosts(meeting_type)
        if host is not None and host.pk not in {h.pk for h in hosts}:
            raise InvalidBookingRequest(
                _("That host does not offer this meeting."),
                fields={"host": [_("Choose one of the hosts of this meeting type.")]},
            )
        pool, free = _free_hosts(meeting_type, hosts, start, duration, now, host=host)
        host_ids = _assign(meeting_type, pool, free, start, host=host)
        booking = _create(
            meeting_type,
            pool,
            host_ids,
            start,
            duration,
            attendee,
            actor,
            sandbox=sandbox,
            rebooked_from=rebooked_from,
        )
        return BookingResult(booking, manage_token_for(booking))

    return _write(write)


def reschedule(booking, *, start, duration=None, now=None, actor="attendee", token=None):
    """Move a confirmed booking; the same time and length is a no-op.

    The host stays when free at the new time, otherwise the policy picks another one.
    Every real move bumps ``sequence`` and rotates the manage token. ``token`` is the
    manage token the change was asked with: a change that landed first made it stale.
    """
    now = now or timezone.now()
    errors = {}
    start = _clean_start(start, errors)
    _raise_for(errors)

    def write():
        current = _lock_booking(booking, token=token)
        meeting_type = current.meeting_type
        length = duration or current.duration_minutes
        if current.start == start and current.duration_minutes == length:
            return BookingResult(current, manage_token_for(current))
        errors = {}
        if not meeting_type.is_active:
            errors["meeting_type"] = [_("This meeting type is not open for booking.")]
        _clean_duration(meeting_type, length, errors)
        _raise_for(errors)
        hosts = _lock_hosts(meeting_type)
        pool, free = _free_hosts(meeting_type, hosts, start, length, now, exclude=current)
        if _is_collective(meeting_type) or current.host_id not in free:
            host_ids = _assign(meeting_type, pool, free, start)
        else:
            host_ids = [current.host_id]
        _move(current, pool, host_ids, start, length, actor)
        return BookingResult(current, manage_token_for(current))

    return _write(write)


def cancel(booking, *, reason="", now=None, actor="attendee", token=None):
    """Cancel a confirmed booking, freeing its time; cancelling twice is ``BookingCancelled``.

    ``token`` as for ``reschedule``: a reschedule that won the race makes it stale.
    """
    now = now or timezone.now()
    reason = (reason or "").strip() if isinstance(reason, str) else None
    if reason is None or len(reason) > REASON_MAX_LENGTH or _has_control_characters(
        reason, multiline=True
    ):
        raise InvalidBookingRequest(
            _("The reason is not valid."),
            fields={
                "reason": [
                    _("Use at most %(max)s characters of plain text.") % {"max": REASON_MAX_LENGTH}
                ]
            },
        )

    def write():
        current = _lock_booking(booking, token=token)
        current.status = BookingStatus.CANCELLED
        current.cancelled_at = now
        current.cancel_reason = reason
        current.sequence += 1
        _rotate_token(current, cancelling=True)
        current.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancel_reason",
                "sequence",
                "token_nonce",
                "manage_token_hash",
                "updated_at",
            ]
        )
        _record(current, EventKind.CANCELLED, actor, _("Cancelled."), {"reason": reason})
        _after_commit(current, CANCELLED)
        return BookingResult(current, manage_token_for(current))

    return _write(write)


def rebook_options(booking, count=scheduling.offers.DEFAULT_COUNT, now=None):
    """Free slots to offer after a cancel: near the cancelled time, spread over days.

    The one source of rebook offers for the API's ``rebookOptions``, the cancellation
    email and the cancelled page (see ``scheduling.spread_offers``).
    """
    meeting_type = booking.meeting_type
    if booking.duration_minutes not in (meeting_type.durations or []):
        return []
    now = now or timezone.now()
    tz = booking.attendee_zoneinfo
    first_day = max(booking.start, now).astimezone(tz).date()
    range_start, range_end = availability.local_day_range(
        first_day, first_day + REBOOK_SEARCH_DAYS, tz
    )
    slots = availability.find_slots(
        meeting_type,
        booking.duration_minutes,
        range_start=max(range_start, now),
        range_end=range_end,
        now=now,
    )
    if not slots:
        slots = availability.next_slots(
            meeting_type, booking.duration_minutes, after=range_end, count=count, now=now
        )
    by_start = {slot.start: slot for slot in slots}
    offers = scheduling.spread_offers(by_start, around=booking.start, tz=tz, count=count)
    return [by_start[start] for start in offers]


def reschedule_options(booking, *, range_start, range_end, now=None):
    """Slots ``booking`` could move to: its meeting type's slots with its own time freed."""
    meeting_type = booking.meeting_type
    duration = booking.duration_minutes
    if not meeting_type.is_active or duration not in (meeting_type.durations or []):
        return []
    slots = availability.find_slots(
        meeting_type,
        duration,
        range_start=range_start,
        range_end=range_end,
        now=now,
        exclude_booking_id=booking.pk,
    )
    return [slot for slot in slots if slot.start != booking.start]


def rebook(offer, *, now=None, actor="attendee"):
    """Book the time a rebook offer names for the same attendee, length and meeting type.

    A cancelled booking is rebooked once: posting an offer again (a double click, the
    back button, another offer of the same email) answers with the booking it made.
    """
    old, start = read_rebook_offer(offer)
    return book(
        old.meeting_type,
        start=start,
        duration=old.duration_minutes,
        attendee_name=old.attendee_name,
        attendee_email=old.attendee_email,
        attendee_timezone=old.attendee_timezone,
        notes=old.notes,
        now=now,
        actor=actor,
        sandbox=old.is_sandbox,
        rebooked_from=old,
    )


def _made_from_offer(old):
    """The booking an offer of ``old`` already made; ``old`` is locked so two posts queue.

    A rebooking that was itself cancelled since leaves the offer used up.
    """
    Booking.objects.select_for_update().filter(pk=old.pk).values_list("pk").first()
    made = Booking.objects.select_related("meeting_type", "host").filter(rebooked_from=old).first()
    if made is not None and not made.is_confirmed:
        raise BookingNotFound()
    return made


# Validation ----------------------------------------------------------------------------


def _raise_for(errors):
    if errors:
        messages = [message for field in errors.values() for message in field]
        summary = messages[0] if len(messages) == 1 else _("Please correct the marked fields.")
        raise InvalidBookingRequest(summary, fields=errors)


def _clean_start(start, errors):
    if not isinstance(start, datetime) or start.utcoffset() is None:
        errors["start"] = [_("Give the start as a date and time with a UTC offset.")]
        return None
    return start.astimezone(UTC)


def _clean_duration(meeting_type, duration, errors):
    try:
        return availability.resolve_duration(meeting_type, duration)
    except InvalidBookingRequest as exc:
        errors.update(exc.fields)
        return None


def _has_control_characters(value, *, multiline=False):
    """Control characters (CR/LF in a name would break every email header), NUL, and line
    separators; ``multiline`` text may keep newlines and tabs."""
    allowed = "\n\r\t" if multiline else ""
    return any(
        (unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allowed) for ch in value
    )


def _clean_attendee(name, email, tz, notes, errors):
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["attendee_name"] = [_("Enter your name.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["attendee_name"] = [_("Use at most %(max)s characters.") % {"max": NAME_MAX_LENGTH}]
    elif _has_control_characters(name):
        errors["attendee_name"] = [_("Use letters and spaces on one line, no control characters.")]
    email = email.strip() if isinstance(email, str) else ""
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["attendee_email"] = [_("Enter a valid email address.")]
    if not isinstance(tz, str) or tz not in available_timezones():
        errors["attendee_timezone"] = [_("Use an IANA timezone name like Europe/Berlin.")]
    notes = notes or ""
    if not isinstance(notes, str):
        errors["notes"] = [_("Notes must be text.")]
    elif len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [_("Use at most %(max)s characters.") % {"max": NOTES_MAX_LENGTH}]
    elif _has_control_characters(notes, multiline=True):
        errors["notes"] = [_("Remove the control characters from your notes.")]
    return _Attendee(name, email, tz, notes if isinstance(notes, str) else "")


# The transaction -----------------------------------------------------------------------


def _write(operation):
    """Run ``operation`` in one transaction; a momentarily locked database is retried.

    SQLite answers "database is locked" when another writer holds the lock longer than
    the busy timeout; PostgreSQL may report a deadlock. Both are retried with jittered
    backoff, then reported as ``BookingBusy`` rather than a server error.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return operation()
        except OperationalError as exc:
            if not _is_transient(exc):
                raise
            if attempt == WRITE_ATTEMPTS:
                logger.warning("Booking write still locked after %s attempts", attempt)
                raise BookingBusy() from exc
            time.sleep(random.uniform(0, RETRY_BASE_DELAY * 2**attempt))
        except IntegrityError as exc:
            if _constraint_name(exc) == OVERLAP_CONSTRAINT:
                raise SlotUnavailable() from exc
            raise
    raise AssertionError("unreachable")


def _is_transient(exc):
    if connection.vendor == "sqlite":
        return "locked" in str(exc)
    return getattr(exc.__cause__, "sqlstate", None) in _TRANSIENT_SQLSTATES


def _constraint_name(exc):
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _lock_hosts(meeting_type):
    """The meeting type's active hosts, row-locked, listed in the meeting type's order.

    One query: the lock is taken in primary-key order (deadlock-free), then the hosts are
    put in ``availability.host_order`` (first host = fixed/Zoom host).
    """
    hosts = (
        Host.objects.select_for_update()
        .filter(is_active=True, meeting_types=meeting_type)
        .order_by("pk")
    )
    return sorted(hosts, key=availability.host_order)


def _lock_booking(booking, *, token=None):
    """The booking as it is now, locked; a cancelled one cannot change any more.

    With the manage ``token`` the change was asked with, a change that committed in
    between (the token rotated) wins: this one is ``BookingChanged``.
    """
    current = (
        Booking.objects.select_for_update()
        .select_related("meeting_type", "host")
        .filter(pk=booking.pk)
        .first()
    )
    if current is None:
        raise BookingNotFound()
    if not current.is_confirmed:
        raise BookingCancelled()
    if token is not None and not hashes_match(manage_token_for(current), token):
        raise BookingChanged()
    return current


def _free_hosts(meeting_type, hosts, start, duration, now, *, host=None, exclude=None):
    """The pool around ``start`` and the ids of the hosts for whom it is bookable.

    Lengths are validated against the hosts too: asking for a length no eligible host
    offers is a bad request, not a busy slot.
    """
    end = start + timedelta(minutes=duration)
    pool = availability.load_pool(
        meeting_type,
        range_start=start,
        range_end=end,
        hosts=hosts,
        exclude_booking_id=exclude.pk if exclude else None,
    )
    offered = availability.offering(pool, duration)
    if host is not None:
        offered = [schedule for schedule in offered if schedule.host_id == host.pk]
    if not offered and pool.hosts:
        raise InvalidBookingRequest(
            _("This length is not offered by the host."),
            fields={"duration": [_("Choose one of the offered lengths.")]},
        )
    query = availability.slot_query(
        meeting_type, duration, range_start=start, range_end=end, now=now
    )
    free = [s.host_id for s in offered if scheduling.is_bookable(s, start, query)]
    return pool, free


def _is_collective(meeting_type):
    return scheduling.pool_mode(meeting_type.assignment) == scheduling.INTERSECTION


def _assign(meeting_type, pool, free, start, *, host=None):
    """The host ids to book, primary first, by the meeting type's policy."""
    if _is_collective(meeting_type):
        if not pool.hosts or len(free) != len(pool.hosts):
            raise SlotUnavailable()
        candidates = [_candidate(pool, host_id) for host_id in free]
        return scheduling.choose_host(scheduling.COLLECTIVE, candidates)
    if not free:
        raise SlotUnavailable()
    if host is not None:
        return [host.pk]
    if len(free) == 1:
        return free
    policy = meeting_type.assignment
    last_booked, load = {}, {}
    if policy in (scheduling.ROUND_ROBIN, scheduling.LEAST_BUSY):
        last_booked = _last_booked(meeting_type, free)
    if policy == scheduling.LEAST_BUSY:
        load = _bookings_in_week(pool, free, start)
    candidates = [
        _candidate(pool, host_id, last_booked.get(host_id), load.get(host_id, 0))
        for host_id in free
    ]
    return scheduling.choose_host(policy, candidates)


def _candidate(pool, host_id, last_booked_at=None, bookings_in_week=0):
    host = pool.host(host_id)
    return scheduling.Candidate(
        host_id=host_id,
        priority=host.priority,
        weight=host.weight,
        last_booked_at=last_booked_at,
        bookings_in_week=bookings_in_week,
        order=pool.hosts.index(host),
    )


def _last_booked(meeting_type, host_ids):
    """When each host's latest confirmed booking of this meeting type was made."""
    rows = (
        Booking.objects.confirmed()
        .filter(meeting_type=meeting_type, host_id__in=host_ids)
        .values("host_id")
        .annotate(latest=Max("created_at"))
        .order_by()
        .values_list("host_id", "latest")
    )
    return dict(rows)


def _bookings_in_week(pool, host_ids, start):
    """Confirmed bookings (as main host, of any meeting type) per host in the host-local
    week (Monday–Sunday) of ``start``: how busy the host is, whatever they were booked for.
    """
    condition = Q()
    for host_id in host_ids:
        tz = pool.host(host_id).zoneinfo
        monday = start.astimezone(tz).date()
        monday -= timedelta(days=monday.weekday())
        week_start, week_end = availability.local_day_range(monday, monday + timedelta(days=6), tz)
        condition |= Q(host_id=host_id, start__gte=week_start, start__lt=week_end)
    rows = (
        Booking.objects.confirmed()
        .filter(condition)
        .values("host_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("host_id", "count")
    )
    return dict(rows)


def _blocked(pool, host_id, start, duration):
    """The primary host's buffers decide the row's blocked range (co-hosts are checked)."""
    host = pool.host(host_id)
    return scheduling.blocked_range(
        start, duration, host.buffer_before_minutes, host.buffer_after_minutes
    )


def _rotate_token(booking, *, cancelling=False):
    """A new nonce kills the old links; on cancel it is derived from the old one, so a
    stale token can still be recognised (a second cancel answers "already cancelled")."""
    if cancelling:
        booking.token_nonce = CANCELLED_NONCE_PREFIX + booking.token_nonce
    else:
        booking.token_nonce = random_base32(NONCE_LENGTH)
    booking.manage_token_hash = manage_token_lookup_hash(manage_token_for(booking))


def opened_before_cancel(booking, token):
    """Whether ``token`` was this booking's manage token when it was cancelled."""
    nonce = booking.token_nonce
    if booking.is_confirmed or not nonce.startswith(CANCELLED_NONCE_PREFIX):
        return False
    previous = manage_token(booking.public_id, nonce.removeprefix(CANCELLED_NONCE_PREFIX))
    return isinstance(token, str) and token.isascii() and hashes_match(previous, token)


def _create(
    meeting_type,
    pool,
    host_ids,
    start,
    duration,
    attendee,
    actor,
    *,
    sandbox=False,
    rebooked_from=None,
):
    primary, *co_hosts = host_ids
    blocked = _blocked(pool, primary, start, duration)
    booking = Booking(
        meeting_type=meeting_type,
        host=pool.host(primary),
        start=start,
        end=start + timedelta(minutes=duration),
        duration_minutes=duration,
        attendee_name=attendee.name,
        attendee_email=attendee.email,
        attendee_timezone=attendee.timezone,
        notes=attendee.notes,
        blocked_start=blocked.start,
        blocked_end=blocked.end,
        is_sandbox=sandbox,
        rebooked_from=rebooked_from,
    )
    _rotate_token(booking)
    booking.save(force_insert=True)
    _set_co_hosts(booking, co_hosts, replace=False)
    _record(
        booking,
        EventKind.CREATED,
        actor,
        _("Booked."),
        {**_when(booking), "hosts": [pool.host(pk).slug for pk in host_ids]},
    )
    _after_commit(booking, CREATED)
    return booking


def _move(booking, pool, host_ids, start, duration, actor):
    primary, *co_hosts = host_ids
    before = _when(booking)
    previous_host = booking.host
    blocked = _blocked(pool, primary, start, duration)
    booking.host = pool.host(primary)
    booking.start = start
    booking.end = start + timedelta(minutes=duration)
    booking.duration_minutes = duration
    booking.blocked_start, booking.blocked_end = blocked.start, blocked.end
    booking.sequence += 1
    _rotate_token(booking)
    booking.save(
        update_fields=[
            "host",
            "start",
            "end",
            "duration_minutes",
            "blocked_start",
            "blocked_end",
            "sequence",
            "token_nonce",
            "manage_token_hash",
            "updated_at",
        ]
    )
    if _is_collective(booking.meeting_type):
        _set_co_hosts(booking, co_hosts, replace=True)
    after = _when(booking)
    _record(booking, EventKind.RESCHEDULED, actor, _("Rescheduled."), {"from": before, "to": after})
    if previous_host.pk != primary:
        _record(
            booking,
            EventKind.REASSIGNED,
            actor,
            _("Host changed: %(old)s → %(new)s.") % {"old": previous_host, "new": booking.host},
            {
                "from": previous_host.slug,
                "to": booking.host.slug,
                "from_host_id": previous_host.pk,
                "sequence": booking.sequence,
            },
        )
    _after_commit(booking, RESCHEDULED)


def _set_co_hosts(booking, host_ids, *, replace):
    through = Booking.co_hosts.through
    if replace:
        if sorted(booking.co_hosts.values_list("pk", flat=True)) == sorted(host_ids):
            return
        through.objects.filter(booking_id=booking.pk).delete()
    if host_ids:
        through.objects.bulk_create(through(booking_id=booking.pk, host_id=pk) for pk in host_ids)


def _when(booking):
    return {
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "duration": booking.duration_minutes,
        "host": booking.host.slug,
    }


def _record(booking, kind, actor, message, data):
    BookingEvent.objects.create(
        booking=booking, kind=kind, actor=actor or "", message=message, data=data
    )


def _after_commit(booking, change):
    """Zoom and emails run once the change is durable; their failures never undo it."""
    transaction.on_commit(partial(tasks.booking_committed, booking.pk, change), robust=True)
