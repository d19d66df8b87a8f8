"""Model fields of the app."""

from django import forms
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
