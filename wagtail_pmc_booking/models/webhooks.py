"""Outbound webhooks: where booking events are sent, and every delivery owed to them.

A ``WebhookDelivery`` row is written in the same transaction as the change it reports
(the outbox pattern, see ``webhooks/outbox.py``), so an event is never lost between a
commit and a queue. The row keeps the exact JSON body, sent byte for byte on every
retry, and the event id that ``X-PMC-Delivery`` repeats.
"""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField
from ..outbound import UnsafeURL, check_url

SECRET_PREFIX = "whsec_"
# A rolled secret still signs (as a second ``v1=``) for this long.
ROLLED_SECRET_HOURS = 24


class WebhookEventType(models.TextChoices):
    BOOKING_CREATED = "booking.created", _("Booking created")
    BOOKING_RESCHEDULED = "booking.rescheduled", _("Booking rescheduled")
    BOOKING_CANCELLED = "booking.cancelled", _("Booking cancelled")
    MEETING_CREATED = "meeting.created", _("Zoom meeting created")
    MEETING_UPDATED = "meeting.updated", _("Zoom meeting updated")
    MEETING_DELETED = "meeting.deleted", _("Zoom meeting deleted")
    BOOKING_NO_SHOW = "booking.no_show", _("Attendee did not show up")
    BOOKING_ATTENDED = "booking.attended", _("Attendee attended")


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def validate_event_types(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError(_("Events must be a list of event names."), code="invalid")
    unknown = sorted(set(value) - set(WebhookEventType.values))
    if unknown:
        raise ValidationError(
            _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}, code="invalid"
        )


class WebhookEndpoint(models.Model):
    url = models.URLField(
        _("URL"), max_length=2000, help_text=_("Receives a signed POST for every event.")
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        validators=[validate_event_types],
        help_text=_("The events sent here; none chosen means all of them."),
    )
    meeting_types = models.ManyToManyField(
        "wagtail_pmc_booking.MeetingType",
        verbose_name=_("meeting types"),
        blank=True,
        related_name="+",
        help_text=_("Only bookings of these meeting types; none chosen means all."),
    )
    secret = EncryptedTextField(_("signing secret"), editable=False, default=new_secret)
    previous_secret = EncryptedTextField(_("previous signing secret"), blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Set on the first failure after a success; cleared by the next success. An endpoint
    # failing for WEBHOOK_DISABLE_AFTER_DAYS straight is disabled (``disabled_at``).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True, editable=False)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url

    def clean(self) -> None:
        super().clean()
        if self.url:
            try:
                check_url(self.url)
            except UnsafeURL as exc:
                raise ValidationError({"url": str(exc)}) from None

    @property
    def secret_hint(self) -> str:
        """What the admin shows after creation: the last four characters only."""
        return f"…{self.secret[-4:]}" if self.secret else ""

    def signing_secrets(self, now: datetime) -> list[str]:
        """The current secret, then a rolled one while it is still valid."""
        found = [self.secret] if self.secret else []
        if (
            self.previous_secret
            and self.previous_secret_expires_at is not None
            and now < self.previous_secret_expires_at
        ):
            found.append(self.previous_secret)
        return found

    def roll_secret(self, now: datetime) -> str:
        """A new secret; the old one keeps signing for ``ROLLED_SECRET_HOURS``."""
        self.previous_secret = self.secret
        self.previous_secret_expires_at = now + timedelta(hours=ROLLED_SECRET_HOURS)
        secret = new_secret()
        self.secret = secret
        self.save(
            update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
        )
        return secret

    def wants(self, event_type: str, meeting_type_id: int) -> bool:
        """Whether an event of this type, for a booking of that meeting type, goes here.

        Reads ``meeting_types.all()``: prefetch it when asking many endpoints.
        """
        if self.events and event_type not in self.events:
            return False
        only = {meeting_type.pk for meeting_type in self.meeting_types.all()}
        return not only or meeting_type_id in only


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # ``evt_…``: one per event, the same for every endpoint and on every retry.
    event_id = models.CharField(_("event id"), max_length=40, db_index=True)
    event_type = models.CharField(_("event"), max_length=32, choices=WebhookEventType.choices)
    booking = models.ForeignKey(
        "wagtail_pmc_booking.Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The booking revision (``Booking.sequence``) the event describes.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    # The exact JSON body, sent byte for byte on every attempt.
    payload = models.TextField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Retries stop (status failed) after this instant: creation, or a redelivery, + 24 h.
    give_up_at = models.DateTimeField(_("retried until"))
    # Set by the sender that took the row; a claim older than the lease is taken again.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="pmc_webhook_delivery_once_per_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="pmc_webhook_delivery_owed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id} ({self.status})"

    def redeliver(self, now: datetime, retry_hours: float) -> None:
        """Owe it again from now (the admin's button): same event id, a fresh retry window."""
        self.status = DeliveryStatus.PENDING
        self.next_attempt_at = now
        self.give_up_at = now + timedelta(hours=retry_hours)
        self.claimed_at = None
        self.save(update_fields=["status", "next_attempt_at", "give_up_at", "claimed_at"])
