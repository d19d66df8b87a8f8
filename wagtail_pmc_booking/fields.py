"""Model fields of the app."""

import base64
import functools
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .conf import booking_settings
from .validators import validate_durations


def default_durations():
    return list(booking_settings.DURATION_CHOICES)


def duration_choices():
    return [(d, _("%(minutes)s min") % {"minutes": d}) for d in booking_settings.DURATION_CHOICES]


class DurationsFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        kwargs["choices"] = duration_choices
        kwargs["coerce"] = int
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return [str(v) for v in (value or [])]

    def clean(self, value):
        return sorted(super().clean(value))


class DurationsField(models.JSONField):
    """A sorted list of meeting lengths in minutes, edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", default_durations)
        kwargs.setdefault("validators", [validate_durations])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return models.Field.formfield(self, form_class=DurationsFormField, **kwargs)


def _fernet_key(secret: str) -> bytes:
    """A Fernet key from any secret string (SHA-256 of it, with this field's salt)."""
    digest = hashlib.sha256(f"wagtail_pmc_booking.encrypted-field:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def encryption() -> MultiFernet:
    """``CALENDAR_ENCRYPTION_KEY`` when set, else ``SECRET_KEY``; the fallbacks of
    ``SECRET_KEY_FALLBACKS`` still decrypt, so rotating the secret key loses nothing."""
    own = booking_settings.CALENDAR_ENCRYPTION_KEY
    secrets = (own,) if own else (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return _multi_fernet(secrets)


@functools.lru_cache(maxsize=8)
def _multi_fernet(secrets: tuple[str, ...]) -> MultiFernet:
    """Keys derived once per set of secrets, not once per value read or written."""
    return MultiFernet([Fernet(_fernet_key(secret)) for secret in secrets])


class EncryptedTextField(models.TextField):
    """Takes and gives the plain secret; the database only ever holds its Fernet token.

    A value that cannot be decrypted (another key) reads as the empty string, so a lost
    key means "enter the password again", never a page that fails to load.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encryption().encrypt(str(value).encode()).decode()

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value in (None, ""):
            return value
        try:
            return encryption().decrypt(value.encode()).decode()
        except InvalidToken:
            return ""


def default_reminder_minutes() -> list[int]:
    return [1440, 60]


class MinutesListFormField(forms.CharField):
    """Minutes typed as "1440, 60"; the model validator checks the values."""

    def __init__(self, **kwargs: Any) -> None:
        for name in ("encoder", "decoder"):
            kwargs.pop(name, None)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(minutes) for minutes in value)
        return value

    def to_python(self, value: Any) -> list[int]:
        if isinstance(value, list):
            return value
        text = (value or "").replace(";", ",")
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(
                _("Enter whole minutes separated by commas, e.g. 1440, 60."), code="invalid"
            ) from None


class MinutesListField(models.JSONField):
    """A list of minute offsets (reminders), edited as comma-separated numbers."""

    def formfield(self, **kwargs: Any) -> Any:
        return models.Field.formfield(self, form_class=MinutesListFormField, **kwargs)
