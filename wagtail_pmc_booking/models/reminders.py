"""Reminder emails as rows: planned when a booking is made or moved, sent once when due.

A row is the promise of one email to one recipient for one revision of a booking, so a
restart or a mail outage delays a reminder but never loses it, and the unique key plus
a conditional claim (``reminders/send.py``) mean two senders never send it twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DROPPED = "dropped", _("Dropped")


class Reminder(models.Model):
    booking = models.ForeignKey(
        "wagtail_pmc_booking.Booking",
        verbose_name=_("booking"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # The booking revision (``Booking.sequence``) this reminder was planned for.
    sequence = models.PositiveIntegerField(_("revision"))
    # "attendee", or "host:<pk>" for a host: part of the unique key, never NULL.
    recipient = models.CharField(_("recipient"), max_length=32)
    host = models.ForeignKey(
        "wagtail_pmc_booking.Host",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    minutes_before = models.PositiveIntegerField(_("minutes before"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    # Set by the sender that took the row; a claim older than the lease is taken again.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "sequence", "recipient", "minutes_before"],
                name="pmc_reminder_once_per_revision",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="pmc_reminder_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.recipient} -{self.minutes_before}min {self.status}"
