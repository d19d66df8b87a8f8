"""The actual state of a booking's Zoom meeting; the booking holds the desired state.

Every change of that state is a method here, so the sync and Zoom's webhook write the
same fields for the same event.
"""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, models
from django.utils.translation import gettext_lazy as _

from ..transactions import recoverable


class MeetingState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SYNCED = "synced", _("Synced")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    DELETED = "deleted", _("Deleted")


class ZoomMeeting(models.Model):
    booking = models.OneToOneField(
        "wagtail_pmc_booking.Booking", on_delete=models.CASCADE, related_name="meeting"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=MeetingState.choices,
        default=MeetingState.PENDING,
        db_index=True,
    )
    zoom_meeting_id = models.BigIntegerField(_("Zoom meeting id"), null=True, blank=True)
    zoom_user = models.CharField(_("Zoom user"), max_length=255, blank=True)
    join_url = models.URLField(_("join URL"), max_length=1024, blank=True)
    passcode = models.CharField(_("passcode"), max_length=10, blank=True)
    synced_sequence = models.IntegerField(
        _("synced revision"),
        null=True,
        blank=True,
        help_text=_("The booking revision Zoom last reflected."),
    )
    is_sandbox = models.BooleanField(_("sandbox"), default=False)
    # Topic and length asked for through the API; they hold for one booking revision,
    # so a reschedule brings the meeting back in line with the booking.
    topic_override = models.CharField(_("topic set through the API"), max_length=200, blank=True)
    duration_override = models.PositiveSmallIntegerField(
        _("length set through the API"), null=True, blank=True
    )
    override_sequence = models.IntegerField(null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Zoom meeting")
        verbose_name_plural = _("Zoom meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["zoom_meeting_id"],
                condition=models.Q(zoom_meeting_id__isnull=False),
                name="pmc_zoom_meeting_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.state}"

    def _write(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=[*fields, "updated_at"])

    def _write_if_current(self, **fields: Any) -> bool:
        """Write only while the row still holds this Zoom meeting (a racing sync may
        already have replaced it); returns whether it did."""
        current = ZoomMeeting.objects.filter(pk=self.pk, zoom_meeting_id=self.zoom_meeting_id)
        if not current.update(**fields):
            return False
        for name, value in fields.items():
            setattr(self, name, value)
        return True

    @classmethod
    def unpark_all(cls, now: datetime) -> None:
        """Every meeting parked after an error is owed another try at ``now``."""
        parked = cls.objects.filter(next_attempt_at__isnull=True).exclude(last_error="")
        parked.exclude(state=MeetingState.DELETED).update(next_attempt_at=now, updated_at=now)

    @classmethod
    def first_attempt(
        cls, booking_id: int, now: datetime, *, zoom_user: str, is_sandbox: bool
    ) -> tuple["ZoomMeeting", int]:
        """A booking's record made with its first attempt counted and the Zoom user (and
        backend) it is for, in one write; ``(record, earlier count)`` as ``count_attempt``.
        Should another process have made the record first, that one counts the attempt."""
        try:
            with recoverable():
                record = cls.objects.create(
                    booking_id=booking_id,
                    attempts=1,
                    zoom_user=zoom_user,
                    is_sandbox=is_sandbox,
                )
        except IntegrityError:
            record = cls.objects.get(booking_id=booking_id)
            return record, record.count_attempt(now)
        return record, 0

    def count_attempt(self, now: datetime) -> int:
        """Count an attempt in the database before Zoom is called, so that after one
        whose outcome is unknown the next looks for the meeting; returns the earlier count."""
        before = self.attempts
        ZoomMeeting.objects.filter(pk=self.pk).update(
            attempts=models.F("attempts") + 1, updated_at=now
        )
        self.attempts = before + 1
        return before

    def attempt_not_made(self, attempts: int, retry_at: datetime) -> None:
        """Nothing was sent after all: the count goes back, and a worker goes on at once."""
        self._write(attempts=attempts, next_attempt_at=retry_at)

    def assign(self, zoom_user: str, *, is_sandbox: bool) -> None:
        """The Zoom user (and backend) a meeting is about to be made for."""
        if self.zoom_user != zoom_user or self.is_sandbox != is_sandbox:
            self._write(zoom_user=zoom_user, is_sandbox=is_sandbox)

    def forget_meeting(self) -> None:
        """The meeting is gone (deleted by us, or in Zoom) and a new one is owed."""
        self._write(zoom_meeting_id=None, join_url="", synced_sequence=None)

    def adopt(
        self, zoom_meeting_id: int, join_url: str, passcode: str, *, is_sandbox: bool
    ) -> None:
        """Take over a meeting a lost create made; it still needs updating."""
        self._write(
            zoom_meeting_id=zoom_meeting_id,
            join_url=join_url,
            passcode=passcode,
            synced_sequence=None,
            is_sandbox=is_sandbox,
        )

    def _succeeded(self, **fields: Any) -> None:
        self._write(attempts=0, last_error="", next_attempt_at=None, **fields)

    def synced(self, sequence: int) -> None:
        """Zoom's meeting now reflects booking revision ``sequence``."""
        self._succeeded(state=MeetingState.SYNCED, synced_sequence=sequence)

    def created(
        self,
        zoom_meeting_id: int,
        join_url: str,
        passcode: str,
        *,
        sequence: int,
        is_sandbox: bool,
    ) -> None:
        """Zoom made the meeting for booking revision ``sequence``."""
        self._succeeded(
            state=MeetingState.SYNCED,
            zoom_meeting_id=zoom_meeting_id,
            join_url=join_url,
            passcode=passcode,
            synced_sequence=sequence,
            is_sandbox=is_sandbox,
        )

    def absent(self, *, skipped: bool, sequence: int) -> None:
        """No meeting in Zoom, as revision ``sequence`` wants: deleted, or skipped."""
        self._succeeded(
            state=MeetingState.SKIPPED if skipped else MeetingState.DELETED,
            zoom_meeting_id=None,
            join_url="",
            synced_sequence=sequence,
        )

    def failed(self, error: str, *, transient: bool, retry_at: datetime | None) -> None:
        """An attempt failed: try again at ``retry_at``, or (None) wait for an admin."""
        state = self.state
        if self.zoom_meeting_id is None:
            state = MeetingState.PENDING if transient else MeetingState.FAILED
        self._write(state=state, last_error=error, next_attempt_at=retry_at)

    def deleted_in_zoom(self, *, sequence: int, recreate: bool, note: str, now: datetime) -> bool:
        """Someone deleted the meeting in Zoom: owed again at ``now`` (``recreate``), or left
        deleted for booking revision ``sequence``; ``note`` says which. Returns whether
        the row still held that meeting."""
        if recreate:
            fields: dict[str, Any] = {
                "state": MeetingState.PENDING,
                "synced_sequence": None,
                "next_attempt_at": now,
            }
        else:
            fields = {
                "state": MeetingState.DELETED,
                "synced_sequence": sequence,
                "next_attempt_at": None,
            }
        return self._write_if_current(
            zoom_meeting_id=None, join_url="", attempts=0, last_error=note, updated_at=now, **fields
        )

    def deleted_when_unwanted(self, *, sequence: int, now: datetime) -> bool:
        """Deleted in Zoom when revision ``sequence`` wants none anyway: just so."""
        return self._write_if_current(
            state=MeetingState.DELETED,
            zoom_meeting_id=None,
            join_url="",
            synced_sequence=sequence,
            updated_at=now,
        )

    def changed_in_zoom(self, now: datetime) -> bool:
        """Someone changed the meeting in Zoom: it no longer reflects the booking."""
        return self._write_if_current(synced_sequence=None, updated_at=now)

    def asked_again(self) -> None:
        """A meeting left deleted in Zoom was asked for explicitly: it is owed again."""
        self._write(synced_sequence=None, last_error="", next_attempt_at=None)

    def set_overrides(self, topic: str, duration: int | None, *, sequence: int) -> None:
        """Topic and length asked for through the API, for booking revision ``sequence``."""
        self._write(
            topic_override=topic,
            duration_override=duration,
            override_sequence=sequence,
            synced_sequence=None,
        )
