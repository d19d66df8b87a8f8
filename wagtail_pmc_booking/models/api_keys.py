"""API keys: shown once, stored as a keyed hash, scoped and revocable."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import booking_settings
from ..tokens import keyed_hash, new_secret


class Scope(models.TextChoices):
    BOOKINGS_READ = "bookings:read", _("Read bookings")
    BOOKINGS_WRITE = "bookings:write", _("Write bookings")
    ZOOM_WRITE = "zoom:write", _("Create Zoom meetings")


class KeyMode(models.TextChoices):
    LIVE = "live", _("Live")
    TEST = "test", _("Test (Zoom sandbox)")


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=255)
    mode = models.CharField(_("mode"), max_length=8, choices=KeyMode.choices, default=KeyMode.LIVE)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    display_prefix = models.CharField(_("key starts with"), max_length=24, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def hash_key(cls, plaintext: str) -> str:
        return str(keyed_hash(plaintext, "api-key"))

    @classmethod
    def issue(
        cls,
        *,
        name: str,
        scopes: Iterable[str],
        mode: str = KeyMode.LIVE,
        created_by: Any = None,
    ) -> tuple["ApiKey", str]:
        """Create a key; the plaintext is returned once and never stored."""
        plaintext = f"pmc_{mode}_{new_secret(30)}"
        key = cls.objects.create(
            name=name,
            mode=mode,
            scopes=sorted(set(scopes)),
            created_by=created_by,
            key_hash=cls.hash_key(plaintext),
            display_prefix=plaintext[:13],
        )
        return key, plaintext

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` a client sent with ``POST /v1/bookings`` and what it made.

    The same key with the same body answers the first booking; another body is refused.
    Rows older than ``IDEMPOTENCY_KEY_TTL`` are purged by a periodic task.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    booking = models.ForeignKey(
        "wagtail_pmc_booking.Booking", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="pmc_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.key}"

    @classmethod
    def oldest_kept(cls) -> datetime:
        """Keys made before this instant are expired (``IDEMPOTENCY_KEY_TTL_HOURS``)."""
        return timezone.now() - timedelta(hours=booking_settings.IDEMPOTENCY_KEY_TTL_HOURS)

    @classmethod
    def purge_expired(cls) -> int:
        """Drop keys older than the TTL; answers how many went."""
        deleted, _by_model = cls.objects.filter(created_at__lt=cls.oldest_kept()).delete()
        return deleted
