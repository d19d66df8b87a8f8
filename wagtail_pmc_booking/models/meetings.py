"""The actual state of a booking's Zoom meeting; the booking holds the desired state."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def __str__(self):
        return f"{self.booking_id}: {self.state}"
