"""The endpoint form (where to send, which events, which meeting types, on or off)
and the deliveries' filters.

The secret is never a form field: it is made on create and changed by "Roll secret".
The URL goes through ``WebhookEndpoint.clean`` (the SSRF guard), so an address the
server must not call is an error on the URL field and nothing is saved.
"""

from typing import Any

import django_filters  # type: ignore[import-untyped]  # no stubs
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import DeliveryStatus, WebhookEventType

REENABLE_CLEARS: dict[str, Any] = {
    "failing_since": None,
    "disabled_at": None,
    "disabled_reason": "",
}
"""What switching an endpoint back on forgets: it starts again with a clean record."""


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Receives a signed POST for every event."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The events sent here; none ticked means all of them."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "meeting_types", "is_active"]
        widgets = {"meeting_types": forms.CheckboxSelectMultiple}
        help_texts = {
            "description": _("Who receives these events, e.g. “CRM”."),
            "is_active": _("Untick to stop sending without deleting the endpoint."),
        }

    def save(self, commit: bool = True) -> WebhookEndpoint:
        """Switched back on: forget the failures that disabled it."""
        if "is_active" in self.changed_data and self.instance.is_active:
            for name, value in REENABLE_CLEARS.items():
                setattr(self.instance, name, value)
        return super().save(commit)


class DeliveryFilterSet(WagtailFilterSet):  # type: ignore[misc]  # wagtail is untyped
    endpoint = django_filters.ModelChoiceFilter(
        label=_("Endpoint"), queryset=WebhookEndpoint.objects.all()
    )
    event_type = django_filters.ChoiceFilter(
        label=_("Event"), choices=WebhookEventType.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=DeliveryStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "event_type", "status"]
