"""Meeting types: what attendees book, who hosts it and the Zoom policy."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField

from ..fields import DurationsField, MinutesListField, default_reminder_minutes
from ..questions import Question, QuestionsBlock, questions_of
from ..validators import validate_minutes, validate_reminder_minutes


class Assignment(models.TextChoices):
    FIXED = "fixed", _("Fixed host")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_BUSY = "least_busy", _("Least busy")
    COLLECTIVE = "collective", _("Collective (all hosts)")


class AutoRecording(models.TextChoices):
    NONE = "none", _("No recording")
    LOCAL = "local", _("Local recording")
    CLOUD = "cloud", _("Cloud recording")


class MeetingType(ClusterableModel):
    """Like an "event type": lengths, notice, horizon, hosts and how one is chosen."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    hosts = ParentalManyToManyField(
        "wagtail_pmc_booking.Host", verbose_name=_("hosts"), related_name="meeting_types"
    )
    assignment = models.CharField(
        _("host assignment"),
        max_length=20,
        choices=Assignment.choices,
        default=Assignment.ROUND_ROBIN,
    )
    durations = DurationsField(_("meeting lengths"))
    default_duration = models.PositiveSmallIntegerField(_("default length (minutes)"), default=30)
    slot_interval_minutes = models.PositiveSmallIntegerField(
        _("slot interval (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_(
            "Start times step by this much from each window's start; empty: a clean grid "
            "(the length rounded to 15, 30 or 60 minutes, from the quarter hour)."
        ),
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=120, validators=[validate_minutes]
    )
    minimum_change_notice_minutes = models.PositiveIntegerField(
        _("change cutoff (minutes)"),
        default=0,
        validators=[MaxValueValidator(30 * 24 * 60)],
        help_text=_(
            "Attendees cannot reschedule or cancel online this close to the start; admins "
            "still can. 0: until the meeting starts."
        ),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    max_bookings_per_host_per_day = models.PositiveSmallIntegerField(
        _("daily cap per host"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    max_bookings_per_host_per_week = models.PositiveSmallIntegerField(
        _("weekly cap per host"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Bookings of this meeting type per host, Monday to Sunday on the host's clock."
        ),
    )
    zoom_enabled = models.BooleanField(_("create Zoom meetings"), default=True)
    zoom_passcode = models.BooleanField(_("passcode"), default=True)
    zoom_waiting_room = models.BooleanField(_("waiting room"), default=True)
    zoom_join_before_host = models.BooleanField(_("join before host"), default=False)
    zoom_mute_upon_entry = models.BooleanField(_("mute upon entry"), default=True)
    zoom_auto_recording = models.CharField(
        _("auto recording"),
        max_length=10,
        choices=AutoRecording.choices,
        default=AutoRecording.NONE,
    )
    questions = StreamField(
        QuestionsBlock(),
        verbose_name=_("booking questions"),
        blank=True,
        default=list,
        help_text=_("Asked after the time is picked, in this order; name and email always are."),
    )
    reminder_minutes = MinutesListField(
        _("reminders (minutes before)"),
        default=default_reminder_minutes,
        blank=True,
        validators=[validate_reminder_minutes],
        help_text=_("Attendee reminder emails, e.g. 1440, 60 (a day and an hour before)."),
    )
    remind_hosts = models.BooleanField(
        _("remind hosts too"),
        default=False,
        help_text=_("Send the hosts the same reminders."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")

    def __str__(self) -> str:
        return self.name

    @property
    def question_list(self) -> list[Question]:
        """The questions as plain data, in the editor's order."""
        return questions_of(self.questions)

    def clean(self) -> None:
        super().clean()
        if self.durations and self.default_duration not in self.durations:
            raise ValidationError(
                {"default_duration": gettext("The default length must be one of the lengths.")},
                code="duration_not_offered",
            )
