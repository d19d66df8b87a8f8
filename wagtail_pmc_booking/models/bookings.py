"""Bookings and their append-only audit trail. Only ``booking.py`` writes these."""

import zoneinfo
from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tokens import new_public_id
from ..validators import validate_timezone


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


# The longest meeting a booking can store (its length is a small integer of minutes)
# with the longest buffer before and after it.
LONGEST_BLOCK = timedelta(minutes=32767 + 2 * 24 * 60)


def overlap_filter(start: datetime, end: datetime, prefix: str = "") -> models.Q:
    """A blocked range intersecting [start, end), on the fields under ``prefix`` (e.g.
    ``"booking__"`` from a co-host row)."""
    return models.Q(
        **{
            f"{prefix}blocked_start__lt": end,
            f"{prefix}blocked_start__gt": start - LONGEST_BLOCK,
            f"{prefix}blocked_end__gt": start,
        }
    )


class BookingQuerySet(models.QuerySet["Booking"]):
    def confirmed(self) -> "BookingQuerySet":
        return self.filter(status=BookingStatus.CONFIRMED)

    def overlapping(self, start: datetime, end: datetime) -> "BookingQuerySet":
        """Bookings whose blocked range intersects [start, end).

        No blocked range is longer than ``LONGEST_BLOCK``, so its start is bounded on both
        sides: the ``(host, status, blocked_start)`` index then reads only the range's
        rows, not every booking before ``end`` (a site's whole history).
        """
        return self.filter(overlap_filter(start, end))


class Booking(models.Model):
    public_id = models.CharField(
        _("booking id"), max_length=32, unique=True, default=new_public_id, editable=False
    )
    meeting_type = models.ForeignKey(
        "wagtail_pmc_booking.MeetingType",
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    host = models.ForeignKey(
        "wagtail_pmc_booking.Host",
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    co_hosts = models.ManyToManyField(
        "wagtail_pmc_booking.Host",
        verbose_name=_("co-hosts"),
        blank=True,
        related_name="co_hosted_bookings",
        help_text=_("Collective meetings: the other hosts, Zoom alternative hosts."),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    attendee_name = models.CharField(_("attendee name"), max_length=255)
    attendee_email = models.EmailField(_("attendee email"))
    attendee_timezone = models.CharField(
        _("attendee timezone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    notes = models.TextField(_("notes"), blank=True)
    # The answers to the meeting type's questions, by question key (see ``questions.py``).
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # UTM parameters and click ids of the page the booking was made from.
    tracking = models.JSONField(_("tracking"), default=dict, blank=True)
    # The attendee's language (one of LANGUAGES), chosen when booking; emails use it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    # Made with a ``pmc_test_`` API key: Zoom sandbox for life, seen only by test keys.
    is_sandbox = models.BooleanField(_("sandbox"), default=False, editable=False)
    # The cancelled booking whose rebook offer made this one: an offer is used once.
    rebooked_from = models.OneToOneField(
        "self",
        verbose_name=_("rebooked from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="rebooked_as",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
        db_index=True,
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    blocked_start = models.DateTimeField(_("blocked from"))
    blocked_end = models.DateTimeField(_("blocked until"))
    manage_token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # The manage token is derived from this nonce and SECRET_KEY (see ``tokens.py``);
    # a new nonce on every change makes old links die.
    token_nonce = models.CharField(max_length=32, editable=False, default="")
    cancel_reason = models.TextField(_("cancel reason"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["host", "status", "blocked_start"]),
            models.Index(fields=["status", "start"]),
            # The pool's co-host rows are found through the bookings in a range.
            models.Index(fields=["status", "blocked_start"], name="pmc_booking_status_blocked"),
            # Round robin asks each host's latest booking of the type: one index step,
            # whatever the length of their history.
            models.Index(
                fields=["host", "meeting_type", "-created_at"],
                condition=models.Q(status=BookingStatus.CONFIRMED),
                name="pmc_booking_latest_of_type",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="pmc_booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_start__lte=models.F("start"))
                & models.Q(blocked_end__gte=models.F("end")),
                name="pmc_booking_blocked_covers_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.attendee_name} {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def attendee_change_deadline(self) -> datetime:
        """Until when the attendee may reschedule or cancel online: the meeting type's
        change cutoff before the start, and never after the start."""
        notice = self.meeting_type.minimum_change_notice_minutes
        return self.start - timedelta(minutes=notice)

    def attendee_may_change(self, now: datetime) -> bool:
        return now < self.attendee_change_deadline

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED

    @property
    def attendee_zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.attendee_timezone)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    REASSIGNED = "reassigned", _("Host reassigned")
    CANCELLED = "cancelled", _("Cancelled")
    MEETING_CREATED = "meeting_created", _("Zoom meeting created")
    MEETING_UPDATED = "meeting_updated", _("Zoom meeting updated")
    MEETING_DELETED = "meeting_deleted", _("Zoom meeting deleted")
    MEETING_FAILED = "meeting_failed", _("Zoom call failed")
    MEETING_SKIPPED = "meeting_skipped", _("Zoom meeting skipped")
    EMAIL_SENT = "email_sent", _("Email sent")
    EMAIL_FAILED = "email_failed", _("Email failed")
    CALENDAR_STALE = "calendar_stale", _("Host calendar not read in time")
    CALENDAR_WRITTEN = "calendar_written", _("Host calendar event written")
    CALENDAR_WRITE_FAILED = "calendar_write_failed", _("Host calendar write failed")
    REMINDER_SENT = "reminder_sent", _("Reminder sent")
    REMINDER_DROPPED = "reminder_dropped", _("Reminder dropped")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    WEBHOOK_FAILED = "webhook_failed", _("Webhook delivery failed")


class BookingEvent(models.Model):
    """One line of a booking's audit trail; rows are never changed or removed."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    message = models.TextField(_("details"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    actor = models.CharField(_("by"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError("Audit events are append-only.")
