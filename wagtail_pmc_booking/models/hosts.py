"""Hosts, their weekly availability and the dates whose hours differ."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.images import get_image_model_string
from wagtail.models import Orderable

from ..fields import DurationsField
from ..validators import validate_language, validate_minutes, validate_timezone


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Host(ClusterableModel):
    """A person who can be booked; availability is wall-clock time in ``timezone``."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pmc_booking_hosts",
        help_text=_("This user may edit the host's own availability and out-of-office."),
    )
    timezone = models.CharField(
        _("timezone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("IANA name, e.g. Asia/Kolkata. Availability is read in this zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        validators=[validate_language],
        help_text=_("The host's emails are written in it; empty: the site's default."),
    )
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown to attendees on the booking page."),
    )
    bio = models.TextField(
        _("short bio"),
        blank=True,
        max_length=500,
        help_text=_("A sentence or two shown to attendees on the booking page."),
    )
    durations = DurationsField(_("meeting lengths offered"))
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=10, validators=[validate_minutes]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=15, validators=[validate_minutes]
    )
    zoom_user = models.CharField(
        _("Zoom user"),
        max_length=255,
        blank=True,
        help_text=_("Zoom user id or email that meetings are created for."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
        help_text=_("0 (lowest) to 4 (highest); round robin prefers higher priority."),
    )
    weight = models.PositiveIntegerField(_("weight"), default=100)
    max_bookings_per_day = models.PositiveSmallIntegerField(
        _("bookings per day at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Across all meeting types, on the host's own date. Empty: no limit."),
    )
    max_bookings_per_week = models.PositiveSmallIntegerField(
        _("bookings per week at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Across all meeting types, Monday to Sunday on the host's clock."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self) -> str:
        return self.name

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Hours(Orderable):
    """Wall-clock ``start_time``–``end_time`` in the host's zone; it must end after it starts."""

    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError(
                {"end_time": gettext("The window must end after it starts.")},
                code="window_order",
            )


class AvailabilityWindow(Hours):
    """One weekly window, e.g. Monday 09:00–12:30; several per day may not overlap."""

    host = ParentalKey(Host, on_delete=models.CASCADE, related_name="availability_windows")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)

    class Meta(Hours.Meta):
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DateOverride(Hours):
    """Hours on one date that replace its weekday's windows, e.g. Saturday 10:00–13:00.

    A date with overrides offers only them; several per date may not overlap. Closing a
    whole date is out of office.
    """

    host = ParentalKey(Host, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField(_("date"))

    class Meta(Hours.Meta):
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        indexes = [models.Index(fields=["host", "date"], name="pmc_override_host_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M}"
