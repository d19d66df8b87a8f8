"""Did they show up? What Zoom told us about a booking's meeting, and the verdict.

Zoom's ``meeting.started``/``ended`` and ``participant_joined``/``left`` webhooks fill
these rows (``zoom/attendance.py``); a verdict is reached after the meeting, and a host
or admin may override it. Kept beside the booking, not on it: only ``booking.py``
writes ``Booking`` rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


class Attendance(models.Model):
    booking = models.OneToOneField(
        "wagtail_pmc_booking.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.UNKNOWN,
        db_index=True,
    )
    meeting_started_at = models.DateTimeField(_("meeting started"), null=True, blank=True)
    meeting_ended_at = models.DateTimeField(_("meeting ended"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Set when a person chose the status; the automatic verdict never changes it again.
    overridden_by = models.CharField(_("set by"), max_length=255, blank=True)
    overridden_at = models.DateTimeField(_("set at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.status}"

    @property
    def is_overridden(self) -> bool:
        return bool(self.overridden_at)


class Participant(models.Model):
    """One stay in the meeting: a join and, once Zoom says so, the leave."""

    attendance = models.ForeignKey(
        Attendance,
        verbose_name=_("attendance"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    # Zoom's participant_uuid, else its user id, else the email or name: who this is.
    key = models.CharField(_("participant"), max_length=255)
    name = models.CharField(_("name"), max_length=255, blank=True)
    email = models.CharField(_("email"), max_length=320, blank=True)
    is_host = models.BooleanField(_("host"), default=False)
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            # A replayed participant_joined finds its row instead of counting twice.
            models.UniqueConstraint(
                fields=["attendance", "key", "joined_at"], name="pmc_participant_join_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.key} {self.joined_at:%H:%M}"
