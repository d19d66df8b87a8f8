"""Out-of-office days and blocked windows."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey


class OutOfOfficeQuerySet(models.QuerySet["OutOfOffice"]):
    def affecting(
        self, host_ids: list[int], first_day: date, last_day: date
    ) -> "OutOfOfficeQuerySet":
        """Enabled entries of these hosts, or of everyone, that meet the dates (inclusive):
        the one query both the slot listing and the Zoom lifecycle read."""
        return self.filter(
            Q(host_id__in=host_ids) | Q(host__isnull=True),
            is_enabled=True,
            start_date__lte=last_day,
            end_date__gte=first_day,
        )


class OutOfOffice(models.Model):
    """Whole days (no times) or a window on each date; read in the host's timezone."""

    host = ParentalKey(
        "wagtail_pmc_booking.Host",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="out_of_office",
        help_text=_("Leave empty to block every host (e.g. a company holiday)."),
    )
    start_date = models.DateField(_("from date"))
    end_date = models.DateField(_("to date"), help_text=_("Inclusive."))
    start_time = models.TimeField(_("from time"), null=True, blank=True)
    end_time = models.TimeField(_("to time"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    is_enabled = models.BooleanField(
        _("enabled"),
        default=True,
        help_text=_("Enabled entries hide slots and skip Zoom meeting creation."),
    )

    # What ``scheduling.OutOfOfficeRule`` is made of, in its order.
    RULE_FIELDS = ("start_date", "end_date", "start_time", "end_time")

    objects = OutOfOfficeQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "start_time"]
        verbose_name = _("out of office")
        verbose_name_plural = _("out of office")
        indexes = [models.Index(fields=["end_date", "start_date"])]

    def __str__(self) -> str:
        when = f"{self.start_date:%Y-%m-%d}"
        if self.end_date and self.end_date != self.start_date:
            when += f" – {self.end_date:%Y-%m-%d}"
        if self.start_time and self.end_time:
            when += f" {self.start_time:%H:%M}–{self.end_time:%H:%M}"
        who = self.host.name if self.host_id else gettext("Every host")
        return f"{who}: {when}" + (f" ({self.reason})" if self.reason else "")

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None and self.end_time is None

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("The end date cannot be before the start date.")
        if (self.start_time is None) != (self.end_time is None):
            missing = "end_time" if self.end_time is None else "start_time"
            errors[missing] = gettext(
                "Set both times for a blocked window, or neither for whole days."
            )
        elif self.start_time and self.end_time and self.start_time >= self.end_time:
            errors["end_time"] = gettext("The blocked window must end after it starts.")
        if errors:
            raise ValidationError(errors)
