"""Wagtail admin of webhooks: the endpoints and their deliveries, site admins only.

Both viewsets are in the "Bookings" menu group (``admin_menu.BookingsGroup``); their
permission policies (``webhooks.permissions``) are registered by ``webhooks.wagtail_hooks``.
No model permission is offered to groups: only superusers see these screens.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import DeliveryStatus
from . import views
from .forms import DeliveryFilterSet, WebhookEndpointForm


class BookingLinkColumn(Column):  # type: ignore[misc]  # wagtail is untyped
    """The booking's id, linked to its page in the bookings admin."""

    cell_template_name = "wagtail_pmc_booking/webhooks/booking_cell.html"

    def get_cell_context_data(self, instance: WebhookDelivery, parent_context: Any) -> Any:
        context = super().get_cell_context_data(instance, parent_context)
        context["booking_url"] = views.booking_admin_url(instance)
        return context


class EventColumn(Column):  # type: ignore[misc]  # wagtail is untyped
    """The event's type, linked to the delivery's page, over its ``evt_…`` id: the id is
    long, and a column of its own would push the table past a laptop's width."""

    cell_template_name = "wagtail_pmc_booking/webhooks/event_cell.html"

    def __init__(self, name: str, *, url_name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.url_name = url_name

    def get_cell_context_data(self, instance: WebhookDelivery, parent_context: Any) -> Any:
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = reverse(self.url_name, args=[quote(instance.pk)])
        return context


class WebhookEndpointViewSet(ModelViewSet):  # type: ignore[misc]  # wagtail is untyped
    model = WebhookEndpoint
    name = views.ENDPOINTS_ADMIN_NAMESPACE
    url_prefix = "pmc-webhooks"
    icon = "link"
    menu_label = _("Webhooks")
    copy_view_enabled = False
    add_to_reference_index = False
    index_view_class = views.EndpointIndexView
    add_view_class = views.EndpointCreateView
    edit_view_class = views.EndpointEditView
    list_display = [
        "url",
        "description",
        Column("events", label=_("Events"), accessor=views.events_label),
        Column("meeting_types", label=_("Meeting types"), accessor=views.meeting_types_label),
        Column("secret_hint", label=_("Secret ends with")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor=views.status_label,
            primary=lambda endpoint: endpoint.is_active,
        ),
    ]
    list_filter = ["is_active"]
    search_backend_name = None
    search_fields = ["url", "description"]

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm[WebhookEndpoint]]:
        return WebhookEndpointForm

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        """None: a group cannot be given webhooks; superusers need no permission."""
        return Permission.objects.none()

    def get_edit_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_edit_view_kwargs(
            roll_secret_url_name=self.get_url_name("roll_secret"), **kwargs
        )
        return view_kwargs

    @property
    def roll_secret_view(self) -> Callable[..., HttpResponse]:
        view: Callable[..., HttpResponse] = self.construct_view(
            views.RollSecretView,
            index_url_name=self.get_url_name("index"),
            edit_url_name=self.get_url_name("edit"),
            roll_secret_url_name=self.get_url_name("roll_secret"),
        )
        return view

    def get_urlpatterns(self) -> list[URLPattern | URLResolver]:
        return [
            *super().get_urlpatterns(),
            path("roll-secret/<int:pk>/", self.roll_secret_view, name="roll_secret"),
        ]


class WebhookDeliveryViewSet(ModelViewSet):  # type: ignore[misc]  # wagtail is untyped
    """Read-only, newest first; only the outbox writes deliveries, only "Redeliver" changes one."""

    model = WebhookDelivery
    name = views.DELIVERIES_ADMIN_NAMESPACE
    url_prefix = "pmc-webhook-deliveries"
    icon = "resubmit"
    menu_label = _("Webhook deliveries")
    copy_view_enabled = False
    add_to_reference_index = False
    inspect_view_enabled = True
    index_view_class = views.DeliveryIndexView
    inspect_view_class = views.DeliveryInspectView
    list_per_page = 50
    filterset_class = DeliveryFilterSet
    search_backend_name = None
    search_fields = ["event_id", "booking__public_id"]

    @property
    def list_display(self) -> list[Any]:
        return [
            EventColumn(
                "event_type",
                label=_("Event and its id"),
                sort_key="event_type",
                url_name=self.get_url_name("inspect"),
            ),
            Column("endpoint", label=_("Endpoint"), accessor="endpoint"),
            BookingLinkColumn("booking", label=_("Booking")),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda delivery: delivery.status == DeliveryStatus.DELIVERED,
            ),
            Column("attempts", label=_("Attempts")),
            Column("last_status_code", label=_("Last status")),
            Column("last_error", label=_("Last error"), accessor=views.short_error),
            DateColumn("next_attempt_at", label=_("Next attempt")),
            DateColumn("delivered_at", label=_("Delivered at")),
            views.RedeliverColumn(
                "redeliver_button", label=_("Redeliver"), url_name=self.get_url_name("redeliver")
            ),
        ]

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )
        return view_kwargs

    def get_inspect_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_inspect_view_kwargs(
            redeliver_url_name=self.get_url_name("redeliver"), **kwargs
        )
        return view_kwargs

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        return Permission.objects.none()

    @property
    def redeliver_view(self) -> Callable[..., HttpResponse]:
        view: Callable[..., HttpResponse] = self.construct_view(
            views.RedeliverView, inspect_url_name=self.get_url_name("inspect")
        )
        return view

    def get_urlpatterns(self) -> list[URLPattern | URLResolver]:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("redeliver/<int:pk>/", self.redeliver_view, name="redeliver"),
        ]
