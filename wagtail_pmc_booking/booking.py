"""Book, reschedule and cancel: the only code that writes ``Booking`` rows.

Each change is one transaction that locks the host rows it may book (in primary-key
order, so two writers never wait on each other in a cycle), re-checks the slot with the
exact predicate the listing uses, and only then writes. Once it commits, one signal
(``signals.booking_changed``) tells the feature packages' receivers (Zoom, emails…);
nothing here knows what they do.
"""

import logging
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, availability, languages, links, questions, scheduling, signals
from .availability import Pool
from .calendars import sync as calendar_sync
from .changes import Actor, Change
from .conf import booking_settings
from .exceptions import (
    BookingBusy,
    BookingCancelled,
    BookingChanged,
    BookingNotFound,
    InvalidBookingRequest,
    SlotUnavailable,
    TooLate,
)
from .links import manage_token_for
from .models import Booking, Host, MeetingType
from .models.bookings import BookingStatus, EventKind
from .tokens import hashes_match, manage_token_lookup_hash, random_base32
from .transactions import recoverable
from .validators import available_timezones

__all__ = ["BookingResult", "book", "cancel", "rebook", "reschedule"]

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 255
EMAIL_MAX_LENGTH = 254
NOTES_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 5000
NONCE_LENGTH = 16
# The PostgreSQL exclusion constraint of migration 0002.
OVERLAP_CONSTRAINT = "pmc_booking_no_overlap"
# A locked SQLite database (or a PostgreSQL deadlock) is retried this often, with jitter.
WRITE_ATTEMPTS = 5
RETRY_BASE_DELAY = 0.025
# SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

T = TypeVar("T")
Errors = dict[str, list[str]]


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
    language: str = ""
    answers: dict[str, Any] | None = None
    tracking: dict[str, str] | None = None


# Public API ----------------------------------------------------------------------------


def book(
    meeting_type: MeetingType,
    *,
    start: datetime,
    duration: int | None = None,
    attendee_name: str,
    attendee_email: str,
    attendee_timezone: str,
    notes: str = "",
    answers: object = None,
    tracking: object = None,
    language: object = None,
    host: Host | None = None,
    now: datetime | None = None,
    actor: Actor | str = Actor.ATTENDEE,
    sandbox: bool = False,
    rebooked_from: Booking | None = None,
) -> BookingResult:
    """Book ``start`` if the listing would offer it right now, else ``SlotUnavailable``.

    ``answers`` (by question key) are checked against the meeting type's questions and
    ``tracking`` against the UTM/click-id keys (``questions.py``); ``language`` is one of
    the site's ``LANGUAGES`` (None: the site default) and is what the attendee's emails
    are written in.

    ``host`` asks for one host of the meeting type; without it the assignment policy
    picks among the hosts free at that time (``collective`` books all of them).
    ``sandbox`` marks a booking made with a ``pmc_test_`` key: Zoom sandbox for life.
    ``rebooked_from`` is the cancelled booking whose offer this is: it is rebooked at most
    once, and a repeat answers with the booking the first one made.
    """
    moment = now or timezone.now()
    errors: Errors = {}
    if not meeting_type.is_active:
        errors["meeting_type"] = [_("This meeting type is not open for booking.")]
    at = _clean_start(start, errors)
    length = _clean_duration(meeting_type, duration, errors)
    attendee = _clean_attendee(attendee_name, attendee_email, attendee_timezone, notes, errors)
    extras = _clean_extras(
        meeting_type, answers, tracking, language, errors, require=rebooked_from is None
    )
    _raise_for(errors)
    assert at is not None and length is not None  # _raise_for raised otherwise
    attendee = _Attendee(**{**attendee.__dict__, **extras})
    hosts = _write(partial(_booking_hosts, meeting_type, moment), atomic=False)
    stale = _refresh_stale_calendars(meeting_type, moment, hosts, host=host)

    def write() -> BookingResult:
        if rebooked_from is not None:
            made = _made_from_offer(rebooked_from)
            if made is not None:
                return BookingResult(made, manage_token_for(made))
        if host is not None and host.pk not in {h.pk for h in hosts}:
            raise InvalidBookingRequest(
                _("That host does not offer this meeting."),
                fields={"host": [_("Choose one of the hosts of this meeting type.")]},
            )
        found = _free_hosts(meeting_type, hosts, at, length, moment, host=host)
        pool, host_ids = _claim(found, _ranked(meeting_type, found, at, host=host), at)
        booking = _create(
            meeting_type,
            pool,
            host_ids,
            at,
            length,
            attendee,
            actor,
            sandbox=sandbox,
            rebooked_from=rebooked_from,
        )
        _record_stale(booking, stale)
        return BookingResult(booking, manage_token_for(booking))

    return _write(write)


def reschedule(
    booking: Booking,
    *,
    start: datetime,
    duration: int | None = None,
    now: datetime | None = None,
    actor: Actor | str = Actor.ATTENDEE,
    token: str | None = None,
) -> BookingResult:
    """Move a confirmed booking; the same time and length is a no-op.

    The host stays when free at the new time, otherwise the policy picks another one.
    Every real move bumps ``sequence`` and rotates the manage token. ``token`` is the
    manage token the change was asked with: a change that landed first made it stale.
    """
    moment = now or timezone.now()
    errors: Errors = {}
    at = _clean_start(start, errors)
    _raise_for(errors)
    assert at is not None
    hosts = _write(partial(_booking_hosts, booking.meeting_type, moment), atomic=False)
    stale = _refresh_stale_calendars(booking.meeting_type, moment, hosts)

    def write() -> BookingResult:
        current = _lock_booking(booking, token=token)
        _check_cutoff(current, actor, moment)
        meeting_type = current.meeting_type
        length = duration or current.duration_minutes
        if current.start == at and current.duration_minutes == length:
            return BookingResult(current, manage_token_for(current))
        errors: Errors = {}
        if not meeting_type.is_active:
            errors["meeting_type"] = [_("This meeting type is not open for booking.")]
        _clean_duration(meeting_type, length, errors)
        _raise_for(errors)
        found = _free_hosts(meeting_type, hosts, at, length, moment, exclude=current)
        options = _ranked(meeting_type, found, at)
        if not _is_collective(meeting_type) and current.host_id in found.free:
            # The host stays when free; should a concurrent booking take them first, the
            # policy's next pick gets the meeting rather than the attendee a refusal.
            stays = [current.host_id]
            options = [stays, *(option for option in options if option != stays)]
        pool, host_ids = _claim(found, options, at)
        _move(current, pool, host_ids, at, length, actor)
        _record_stale(current, stale)
        return BookingResult(current, manage_token_for(current))

    return _write(write)


def cancel(
    booking: Booking,
    *,
    reason: str = "",
    now: datetime | None = None,
    actor: Actor | str = Actor.ATTENDEE,
    token: str | None = None,
) -> BookingResult:
    """Cancel a confirmed booking, freeing its time; cancelling twice is ``BookingCancelled``.

    ``token`` as for ``reschedule``: a reschedule that won the race makes it stale.
    """
    moment = now or timezone.now()
    text = (reason or "").strip() if isinstance(reason, str) else None
    if (
        text is None
        or len(text) > REASON_MAX_LENGTH
        or _has_control_characters(text, multiline=True)
    ):
        raise InvalidBookingRequest(
            _("The reason is not valid."),
            fields={
                "reason": [
                    _("Use at most %(max)s characters of plain text.") % {"max": REASON_MAX_LENGTH}
                ]
            },
        )

    def write() -> BookingResult:
        current = _lock_booking(booking, token=token)
        _check_cutoff(current, actor, moment)
        current.status = BookingStatus.CANCELLED
        current.cancelled_at = moment
        current.cancel_reason = text
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
        audit.record(current, EventKind.CANCELLED, _("Cancelled."), {"reason": text}, actor=actor)
        _after_commit(current, Change.CANCELLED)
        return BookingResult(current, manage_token_for(current))

    return _write(write)


def reassign(
    booking: Booking, host: Host, actor: Actor | str, *, now: datetime | None = None
) -> BookingResult:
    """Give a confirmed booking to another host of its meeting type, at the same time.

    An admin's change: no notice or change cutoff applies, but the new host must be free
    then (windows, out of office, other bookings, calendars, caps) and offer the length.
    After commit the Zoom meeting moves to the new host's Zoom user, the new host is told
    of a new booking, the former one gets the cancel of their copy and the attendee an
    update. The same host again changes nothing.
    """
    moment = now or timezone.now()

    def write() -> BookingResult:
        current = _lock_booking(booking)
        if current.host_id == host.pk:
            return BookingResult(current, manage_token_for(current))
        meeting_type = current.meeting_type
        if _is_collective(meeting_type):
            raise InvalidBookingRequest(
                _("A collective booking already has all its hosts."),
                fields={"host": [_("Collective bookings cannot change host.")]},
            )
        if current.start <= moment:
            raise InvalidBookingRequest(
                _("The meeting has already started."),
                fields={"host": [_("Only bookings still to come can change host.")]},
            )
        hosts = availability.meeting_type_hosts(meeting_type)
        if host.pk not in {h.pk for h in hosts}:
            raise InvalidBookingRequest(
                _("That host does not offer this meeting."),
                fields={"host": [_("Choose one of the hosts of this meeting type.")]},
            )
        found = _free_at_its_time(current, hosts, moment, host=host)
        not_free = _("%(host)s is not free at that time.") % {"host": host.name}
        if host.pk not in found.free:
            raise SlotUnavailable(not_free)
        try:
            pool, _ids = _claim(found, [[host.pk]], current.start)
        except SlotUnavailable:  # taken since the pool was read
            raise SlotUnavailable(not_free) from None
        _hand_over(current, pool, host.pk, actor)
        return BookingResult(current, manage_token_for(current))

    return _write(write)


def reassign_candidates(booking: Booking, *, now: datetime | None = None) -> list[Host]:
    """The hosts ``reassign`` would accept for ``booking`` now, in the meeting type's order."""
    if not booking.is_confirmed or _is_collective(booking.meeting_type):
        return []
    moment = now or timezone.now()
    hosts = availability.meeting_type_hosts(booking.meeting_type)
    others = [h for h in hosts if h.pk != booking.host_id]
    try:
        free = set(_free_at_its_time(booking, others, moment).free) if others else set()
    except InvalidBookingRequest:  # no other host offers the length
        return []
    return [h for h in others if h.pk in free]


def _free_at_its_time(
    booking: Booking, hosts: list[Host], now: datetime, *, host: Host | None = None
) -> "_Found":
    """Who of ``hosts`` is free for ``booking``'s own time, its notice waived (an admin
    may hand over a meeting starting in ten minutes)."""
    notice = timedelta(minutes=booking.meeting_type.minimum_notice_minutes)
    as_of = min(now, booking.start - notice)
    return _free_hosts(
        booking.meeting_type,
        hosts,
        booking.start,
        booking.duration_minutes,
        as_of,
        host=host,
        exclude=booking,
    )


def rebook(
    offer: str, *, now: datetime | None = None, actor: Actor | str = Actor.ATTENDEE
) -> BookingResult:
    """Book the time a rebook offer names for the same attendee, length and meeting type.

    A cancelled booking is rebooked once: posting an offer again (a double click, the
    back button, another offer of the same email) answers with the booking it made.
    """
    old, start = links.read_rebook_offer(offer)
    return book(
        old.meeting_type,
        start=start,
        duration=old.duration_minutes,
        attendee_name=old.attendee_name,
        attendee_email=old.attendee_email,
        attendee_timezone=old.attendee_timezone,
        notes=old.notes,
        answers=_still_asked(old),
        tracking=old.tracking,
        language=old.language or None,
        now=now,
        actor=actor,
        sandbox=old.is_sandbox,
        rebooked_from=old,
    )


def _made_from_offer(old: Booking) -> Booking | None:
    """The booking an offer of ``old`` already made; ``old`` is locked so two posts queue.

    A rebooking that was itself cancelled since leaves the offer used up.
    """
    Booking.objects.select_for_update().filter(pk=old.pk).values_list("pk").first()
    made = Booking.objects.select_related("meeting_type", "host").filter(rebooked_from=old).first()
    if made is not None and not made.is_confirmed:
        raise BookingNotFound()
    return made


# Validation ----------------------------------------------------------------------------


def _check_cutoff(booking: Booking, actor: Actor | str, now: datetime) -> None:
    """Attendees change bookings online only before the change cutoff; admins and API
    keys (the business) at any time."""
    if actor == Actor.ATTENDEE and not booking.attendee_may_change(now):
        raise TooLate()


def _raise_for(errors: Errors) -> None:
    if errors:
        messages = [message for field in errors.values() for message in field]
        summary = messages[0] if len(messages) == 1 else _("Please correct the marked fields.")
        raise InvalidBookingRequest(summary, fields=errors)


def _clean_start(start: object, errors: Errors) -> datetime | None:
    if not isinstance(start, datetime) or start.utcoffset() is None:
        errors["start"] = [_("Give the start as a date and time with a UTC offset.")]
        return None
    return start.astimezone(UTC)


def _clean_duration(meeting_type: MeetingType, duration: int | None, errors: Errors) -> int | None:
    try:
        return availability.resolve_duration(meeting_type, duration)
    except InvalidBookingRequest as exc:
        errors.update(exc.fields)
        return None


def _has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Control characters (CR/LF in a name would break every email header), NUL, and line
    separators; ``multiline`` text may keep newlines and tabs."""
    allowed = "\n\r\t" if multiline else ""
    return any(
        (unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allowed) for ch in value
    )


def _clean_attendee(
    name: object, email: object, tz: object, notes: object, errors: Errors
) -> _Attendee:
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
    return _Attendee(
        name, email, tz if isinstance(tz, str) else "", notes if isinstance(notes, str) else ""
    )


def _clean_extras(
    meeting_type: MeetingType,
    answers: object,
    tracking: object,
    language: object,
    errors: Errors,
    *,
    require: bool,
) -> dict[str, Any]:
    """Answers, tracking and language, or their errors added to ``errors``. A rebooking
    (``require=False``) is not refused for a required question added since."""
    cleaned_answers, answer_errors = questions.clean_answers(
        meeting_type.question_list, answers, require=require
    )
    cleaned_tracking, tracking_errors = questions.clean_tracking(tracking)
    errors.update(answer_errors)
    errors.update(tracking_errors)
    chosen = languages.site_default() if language in (None, "") else languages.supported(language)
    if chosen is None:
        errors["attendee_language"] = [
            _("Use one of this site's languages: %(codes)s.") % {"codes": languages.codes()}
        ]
    return {"answers": cleaned_answers, "tracking": cleaned_tracking, "language": chosen or ""}


def _still_asked(old: Booking) -> dict[str, Any]:
    """A rebooking carries the answers of the questions the meeting type still asks."""
    keys = {question.key for question in old.meeting_type.question_list}
    return {key: value for key, value in (old.answers or {}).items() if key in keys}


# The transaction -----------------------------------------------------------------------


@dataclass(frozen=True)
class _StaleCalendar:
    """A calendar that did not answer before a booking: what the audit line says."""

    name: str
    calendar_id: int
    read_at: datetime | None
    error: str


def _booking_hosts(meeting_type: MeetingType, now: datetime) -> list[Host]:
    """The meeting type's active hosts in its order, read once before the transaction
    (nobody is locked yet), with what booking asks of each: whether a calendar of theirs
    is stale (``pmc_stale_calendar``) and when their latest confirmed booking of this
    meeting type was made (``pmc_last_booked``, for round robin and least busy)."""
    latest = (
        Booking.objects.confirmed()
        .filter(meeting_type=meeting_type, host=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return availability.meeting_type_hosts(
        meeting_type,
        pmc_stale_calendar=Exists(calendar_sync.stale_calendars(now).filter(host=OuterRef("pk"))),
        pmc_last_booked=Subquery(latest),
    )


def _refresh_stale_calendars(
    meeting_type: MeetingType, now: datetime, hosts: list[Host], *, host: Host | None = None
) -> list[_StaleCalendar]:
    """Read again the hosts' calendars whose busy times are older than the staleness limit.

    Runs before the transaction (no row lock is held across network calls); the
    transaction then re-checks the slot against the stored rows. No query when
    ``_booking_hosts`` found every calendar fresh. A refresh that fails in any way is
    treated like one that ran out of time: the booking goes ahead on the stored busy times.
    """
    if not any(h.pmc_stale_calendar for h in hosts if host is None or h.pk == host.pk):
        return []
    calendars = calendar_sync.stale_calendars(now).filter(
        host__is_active=True,
        host__in=MeetingType.hosts.through.objects.filter(meetingtype=meeting_type).values(
            "host_id"
        ),
    )
    if host is not None:
        calendars = calendars.filter(host=host)
    rows = list(calendars.values_list("pk", "host_id", "name", "last_synced_at"))
    if not rows:
        return []
    read_at = {pk: synced for pk, _host, _name, synced in rows}
    try:
        reports = calendar_sync.refresh_stale(
            sorted({host_id for _pk, host_id, _name, _synced in rows}),
            budget_seconds=booking_settings.CALENDAR_BOOKING_BUDGET_SECONDS,
            now=now,
        )
    except Exception as exc:  # noqa: BLE001 - any failure is a calendar that did not answer
        logger.warning("Calendar refresh before booking failed: %s", type(exc).__name__)
        return [
            _StaleCalendar(name, pk, synced, type(exc).__name__) for pk, _h, name, synced in rows
        ]
    return [
        _StaleCalendar(
            report.name, report.calendar_id, read_at.get(report.calendar_id), report.error
        )
        for report in reports
    ]


def _record_stale(booking: Booking, stale: list[_StaleCalendar]) -> None:
    """One audit warning per calendar the booking could not wait for."""
    for calendar in stale:
        read_at = calendar.read_at.isoformat() if calendar.read_at else _("never")
        audit.record(
            booking,
            EventKind.CALENDAR_STALE,
            _("%(name)s did not answer in time; booked on busy times read at %(read_at)s")
            % {"name": calendar.name, "read_at": read_at},
            {"calendar": calendar.calendar_id, "error": calendar.error},
        )


def _write(operation: Callable[[], T], *, atomic: bool = True) -> T:
    """Run ``operation`` in one transaction; a momentarily locked database is retried
    (also for the read before a booking's transaction, ``atomic=False``: one statement
    needs no transaction of its own, but SQLite may refuse it too).

    SQLite answers "database is locked" when another writer holds the lock longer than
    the busy timeout; PostgreSQL may report a deadlock. Both are retried with jittered
    backoff, then reported as ``BookingBusy`` rather than a server error.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic() if atomic else recoverable():
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


def _is_transient(exc: OperationalError) -> bool:
    if connection.vendor == "sqlite":
        return "locked" in str(exc)
    return getattr(exc.__cause__, "sqlstate", None) in _TRANSIENT_SQLSTATES


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _lock(host_ids: list[int], *, skip_locked: bool) -> bool:
    """Lock these hosts' rows (in primary-key order, so two writers cannot deadlock on
    them); with ``skip_locked``, False at once when another writer holds one.

    SQLite has no row locks: its writers take turns on the whole database instead.
    """
    locked = (
        Host.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk__in=host_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return len(list(locked)) == len(host_ids)


def _claim(found: "_Found", options: list[list[int]], start: datetime) -> tuple[Pool, list[int]]:
    """The first of ``options`` (host ids, primary first) that is still free once locked.

    Only the hosts being booked are locked, so bookings of other hosts of the pool run
    side by side. An option another writer holds is skipped for the next one, as the
    policy would have picked it; only when every free option was held does the writer
    wait for them, in turn. A locked option's bookings are read again (a booking that
    committed since the pool was read counts); the exclusion constraint stays the last
    guard on PostgreSQL.
    """
    held: list[list[int]] = []
    for option in options:
        if _lock(option, skip_locked=len(options) > 1):
            pool = _free_now(found, option, start)
            if pool is not None:
                return pool, option
        else:
            held.append(option)
    for option in held:
        _lock(option, skip_locked=False)
        pool = _free_now(found, option, start)
        if pool is not None:
            return pool, option
    raise SlotUnavailable()


def _free_now(found: "_Found", option: list[int], start: datetime) -> Pool | None:
    """The pool with ``option``'s bookings read again, if they are all still free."""
    pool = availability.refreshed(found.pool, option)
    schedules = {schedule.host_id: schedule for schedule in pool.schedules}
    if all(scheduling.is_bookable(schedules[h], start, found.query) for h in option):
        return pool
    return None


def _lock_booking(booking: Booking, *, token: str | None = None) -> Booking:
    """The booking as it is now, locked; a cancelled one cannot change any more.

    With the manage ``token`` the change was asked with, a change that committed in
    between (the token rotated) wins: this one is ``BookingChanged``.
    """
    current = (
        # Only the booking's row: the joined host is locked by ``_claim`` when booked.
        Booking.objects.select_for_update(of=("self",))
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


def _free_hosts(
    meeting_type: MeetingType,
    hosts: list[Host],
    start: datetime,
    duration: int,
    now: datetime,
    *,
    host: Host | None = None,
    exclude: Booking | None = None,
) -> "_Found":
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
    return _Found(pool, free, query)


class _Found(NamedTuple):
    """The pool as read before any lock, who in it is free, and the query that said so."""

    pool: Pool
    free: list[int]
    query: scheduling.SlotQuery


def _is_collective(meeting_type: MeetingType) -> bool:
    return scheduling.pool_mode(meeting_type.assignment) == scheduling.INTERSECTION


def _ranked(
    meeting_type: MeetingType, found: _Found, start: datetime, *, host: Host | None = None
) -> list[list[int]]:
    """What to book, best first by the meeting type's policy: each option is host ids,
    primary first (one host, or all of them for collective)."""
    pool, free = found.pool, found.free
    if _is_collective(meeting_type):
        if not pool.hosts or len(free) != len(pool.hosts):
            raise SlotUnavailable()
        candidates = [_candidate(pool, host_id) for host_id in free]
        return [scheduling.choose_host(scheduling.COLLECTIVE, candidates)]
    if not free:
        raise SlotUnavailable()
    if host is not None:
        return [[host.pk]]
    if len(free) == 1:
        return [free]
    policy = meeting_type.assignment
    load = _bookings_in_week(pool, free, start) if policy == scheduling.LEAST_BUSY else {}
    candidates = [
        _candidate(pool, host_id, pool.host(host_id).pmc_last_booked, load.get(host_id, 0))
        for host_id in free
    ]
    return [[host_id] for host_id in scheduling.rank_hosts(policy, candidates)]


def _candidate(
    pool: Pool,
    host_id: int,
    last_booked_at: datetime | None = None,
    bookings_in_week: int = 0,
) -> scheduling.Candidate:
    host = pool.host(host_id)
    return scheduling.Candidate(
        host_id=host_id,
        priority=host.priority,
        weight=host.weight,
        last_booked_at=last_booked_at,
        bookings_in_week=bookings_in_week,
        order=pool.hosts.index(host),
    )


def _bookings_in_week(pool: Pool, host_ids: list[int], start: datetime) -> dict[int, int]:
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


def _blocked(pool: Pool, host_id: int, start: datetime, duration: int) -> scheduling.Interval:
    """The primary host's buffers decide the row's blocked range (co-hosts are checked)."""
    host = pool.host(host_id)
    return scheduling.blocked_range(
        start, duration, host.buffer_before_minutes, host.buffer_after_minutes
    )


def _rotate_token(booking: Booking, *, cancelling: bool = False) -> None:
    """A new nonce kills the old links; on cancel it is derived from the old one, so a
    stale token can still be recognised (a second cancel answers "already cancelled")."""
    if cancelling:
        booking.token_nonce = links.CANCELLED_NONCE_PREFIX + booking.token_nonce
    else:
        booking.token_nonce = random_base32(NONCE_LENGTH)
    booking.manage_token_hash = manage_token_lookup_hash(manage_token_for(booking))


def _create(
    meeting_type: MeetingType,
    pool: Pool,
    host_ids: list[int],
    start: datetime,
    duration: int,
    attendee: _Attendee,
    actor: Actor | str,
    *,
    sandbox: bool = False,
    rebooked_from: Booking | None = None,
) -> Booking:
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
        answers=attendee.answers or {},
        tracking=attendee.tracking or {},
        language=attendee.language,
        blocked_start=blocked.start,
        blocked_end=blocked.end,
        is_sandbox=sandbox,
        rebooked_from=rebooked_from,
    )
    _rotate_token(booking)
    booking.save(force_insert=True)
    _set_co_hosts(booking, co_hosts, replace=False)
    audit.record(
        booking,
        EventKind.CREATED,
        _("Booked."),
        {**_when(booking), "hosts": [pool.host(pk).slug for pk in host_ids]},
        actor=actor,
    )
    _after_commit(booking, Change.CREATED)
    return booking


def _move(
    booking: Booking,
    pool: Pool,
    host_ids: list[int],
    start: datetime,
    duration: int,
    actor: Actor | str,
) -> None:
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
    audit.record(
        booking,
        EventKind.RESCHEDULED,
        _("Rescheduled."),
        {"from": before, "to": after},
        actor=actor,
    )
    if previous_host.pk != primary:
        _record_handover(booking, previous_host, before, actor)
    _after_commit(booking, Change.RESCHEDULED)


def _hand_over(booking: Booking, pool: Pool, host_id: int, actor: Actor | str) -> None:
    """The booking, same time, now ``host_id``'s: their buffers block their calendar."""
    previous_host, before = booking.host, _when(booking)
    blocked = _blocked(pool, host_id, booking.start, booking.duration_minutes)
    booking.host = pool.host(host_id)
    booking.blocked_start, booking.blocked_end = blocked.start, blocked.end
    booking.sequence += 1
    booking.save(update_fields=["host", "blocked_start", "blocked_end", "sequence", "updated_at"])
    _record_handover(booking, previous_host, before, actor)
    _after_commit(booking, Change.REASSIGNED)


def _record_handover(
    booking: Booking, previous_host: Host, before: dict[str, Any], actor: Actor | str
) -> None:
    """The audit line the emails read to tell the former host their copy is cancelled:
    who they were (``from_host_id``), for which revision, and the time they held."""
    audit.record(
        booking,
        EventKind.REASSIGNED,
        _("Host changed: %(old)s → %(new)s.") % {"old": previous_host, "new": booking.host},
        {
            "from": previous_host.slug,
            "to": booking.host.slug,
            "from_host_id": previous_host.pk,
            "sequence": booking.sequence,
            "held": {"start": before["start"], "end": before["end"]},
        },
        actor=actor,
    )


def _set_co_hosts(booking: Booking, host_ids: list[int], *, replace: bool) -> None:
    through = Booking.co_hosts.through
    if replace:
        if sorted(booking.co_hosts.values_list("pk", flat=True)) == sorted(host_ids):
            return
        through.objects.filter(booking_id=booking.pk).delete()
    if host_ids:
        through.objects.bulk_create(through(booking_id=booking.pk, host_id=pk) for pk in host_ids)


def _when(booking: Booking) -> dict[str, Any]:
    return {
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "duration": booking.duration_minutes,
        "host": booking.host.slug,
    }


def _after_commit(booking: Booking, change: Change) -> None:
    """Side effects run once the change is durable; their failures never undo it."""
    transaction.on_commit(partial(announce, booking.pk, change), robust=True)


def announce(booking_pk: int, change: Change) -> None:
    """Send ``booking_changed`` to every receiver; one that fails is logged, not fatal."""
    for receiver, error in signals.booking_changed.send_robust(
        sender=Booking, booking_pk=booking_pk, change=change
    ):
        if isinstance(error, Exception):
            logger.error(
                "booking_changed receiver %r failed for booking %s",
                receiver,
                booking_pk,
                exc_info=error,
            )
