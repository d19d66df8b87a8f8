"""A host's own calendars (CalDAV or an ICS feed) and the busy times read from them.

Only times are stored: no title, description or attendee of a host's private calendar.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey

from ..fields import EncryptedTextField


class CalendarKind(models.TextChoices):
    CALDAV = "caldav", _("CalDAV (iCloud, Fastmail, Nextcloud, Radicale…)")
    ICS = "ics", _("ICS feed address (Google, Microsoft 365, Apple; read-only)")


class HostCalendar(models.Model):
    host = ParentalKey(
        "wagtail_pmc_booking.Host",
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="calendars",
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarKind.choices)
    url = models.URLField(_("address"), max_length=2000)
    username = models.CharField(_("user name"), max_length=255, blank=True)
    password = EncryptedTextField(
        _("password"), blank=True, help_text=_("Stored encrypted; never shown again.")
    )
    check_conflicts = models.BooleanField(
        _("hide busy times"), default=True, help_text=_("Its events hide the host's slots.")
    )
    write_bookings = models.BooleanField(
        _("add bookings to it"), default=False, help_text=_("CalDAV only.")
    )
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Failed reads in a row and when the next periodic read may try again (backoff).
    failures = models.PositiveIntegerField(_("failed reads in a row"), default=0, editable=False)
    retry_at = models.DateTimeField(_("next try"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("host calendar")
        verbose_name_plural = _("host calendars")

    def __str__(self) -> str:
        return self.name


class BusyTime(models.Model):
    """One busy interval of a calendar, in UTC; replaced wholesale on each sync."""

    calendar = models.ForeignKey(HostCalendar, on_delete=models.CASCADE, related_name="busy")
    host = models.ForeignKey(
        "wagtail_pmc_booking.Host", on_delete=models.CASCADE, related_name="busy_times"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("busy time")
        verbose_name_plural = _("busy times")
        indexes = [models.Index(fields=["host", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class CalendarEvent(models.Model):
    """A booking written into a host's CalDAV calendar: where it is and which version.

    ``etag`` is the server's answer to the last PUT, sent back as ``If-Match`` so an
    update never overwrites an event changed on the server meanwhile unnoticed;
    ``sequence`` is the booking revision written (the invite's ``SEQUENCE``).
    """

    booking = models.ForeignKey(
        "wagtail_pmc_booking.Booking", on_delete=models.CASCADE, related_name="calendar_events"
    )
    calendar = models.ForeignKey(HostCalendar, on_delete=models.CASCADE, related_name="events")
    href = models.CharField(_("event address"), max_length=2000)
    etag = models.CharField(_("ETag"), max_length=255, blank=True)
    sequence = models.PositiveIntegerField(_("revision written"), default=0)
    written_at = models.DateTimeField(_("written"), auto_now=True)

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "calendar"], name="pmc_calendar_event_once_per_calendar"
            )
        ]

    def __str__(self) -> str:
        return self.href
