"""Admin views of webhooks: endpoints (secret shown once, rolled), deliveries, redeliver.

The full signing secret is in exactly two answers, each sent once and never cached:
the one after creating an endpoint and the one after rolling its secret. Everywhere
else the admin shows ``secret_hint`` (the last four characters).
"""

import json
from typing import Any

from django.contrib.admin.utils import quote, unquote
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button

from ..conf import booking_settings
from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import ROLLED_SECRET_HOURS, DeliveryStatus
from .tasks import deliver_webhook

DOCS_URL = "https://github.com/pmc/wagtail-pmc-booking/blob/main/docs/webhooks.md"
"""How a receiver verifies ``X-PMC-Signature``; linked from the page showing a secret."""

ENDPOINTS_ADMIN_NAMESPACE = "pmc_webhook_endpoints"
DELIVERIES_ADMIN_NAMESPACE = "pmc_webhook_deliveries"
BOOKINGS_ADMIN_NAMESPACE = "pmc_bookings"
"""The bookings admin (``booking_admin.viewsets.BookingViewSet.name``), named, not imported."""

REDELIVERABLE = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
"""A pending delivery is already owed: the sender will try it, no button needed."""

TEMPLATES = "wagtail_pmc_booking/webhooks/"


def disabled_endpoints() -> QuerySet[WebhookEndpoint]:
    """Endpoints the sender switched off after failing for days (not paused by hand)."""
    return WebhookEndpoint.objects.filter(is_active=False, disabled_at__isnull=False)


def disabled_notice(endpoint: WebhookEndpoint) -> str:
    """ "Disabled on <date> after failing for 3 days: <reason>", or "" if it was not."""
    if endpoint.is_active or endpoint.disabled_at is None:
        return ""
    days = booking_settings.WEBHOOK_DISABLE_AFTER_DAYS
    message = ngettext(
        "Disabled on %(date)s after failing for %(days)s day: %(reason)s",
        "Disabled on %(date)s after failing for %(days)s days: %(reason)s",
        days,
    )
    return message % {
        "date": formats.date_format(timezone.localtime(endpoint.disabled_at), "DATETIME_FORMAT"),
        "days": days,
        "reason": endpoint.disabled_reason or gettext("no answer recorded"),
    }


def status_label(endpoint: WebhookEndpoint) -> str:
    if endpoint.is_active:
        return gettext("Active")
    if endpoint.disabled_at is not None:
        return gettext("Disabled after failures")
    return gettext("Paused")


def events_label(endpoint: WebhookEndpoint) -> str:
    return ", ".join(endpoint.events) if endpoint.events else gettext("All events")


def meeting_types_label(endpoint: WebhookEndpoint) -> str:
    names = [meeting_type.name for meeting_type in endpoint.meeting_types.all()]
    return ", ".join(names) if names else gettext("All meeting types")


def short_error(delivery: WebhookDelivery) -> str:
    """The listing's cut of the last error; the delivery's page has all of it."""
    return Truncator(delivery.last_error).chars(80)


def booking_admin_url(delivery: WebhookDelivery) -> str:
    if delivery.booking_id is None:
        return ""
    return reverse(f"{BOOKINGS_ADMIN_NAMESPACE}:inspect", args=[quote(delivery.booking_id)])


def can_redeliver(delivery: WebhookDelivery) -> bool:
    return delivery.status in REDELIVERABLE and delivery.endpoint.is_active


def secret_response(request: HttpRequest, context: dict[str, Any]) -> TemplateResponse:
    """The one answer holding a full secret: never stored by a browser or a proxy."""
    response = TemplateResponse(
        request, TEMPLATES + "secret.html", {"docs_url": DOCS_URL, **context}
    )
    response["Cache-Control"] = "no-store"
    return response


class EndpointIndexView(generic.IndexView):  # type: ignore[misc]  # wagtail is untyped
    """The endpoints, with a warning above them for each one switched off by failures."""

    template_name = TEMPLATES + "endpoint_index.html"

    def get_base_queryset(self) -> QuerySet[WebhookEndpoint]:
        queryset: QuerySet[WebhookEndpoint] = super().get_base_queryset()
        return queryset.prefetch_related("meeting_types")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["disabled"] = [
            (endpoint, disabled_notice(endpoint), reverse(self.edit_url_name, args=[endpoint.pk]))
            for endpoint in disabled_endpoints()
        ]
        return context


class EndpointCreateView(generic.CreateView):  # type: ignore[misc]  # wagtail is untyped
    """Saves the endpoint and answers with its secret, this once."""

    def save_action(self) -> HttpResponse:
        endpoint: WebhookEndpoint = self.object
        return secret_response(
            self.request,
            {
                "endpoint": endpoint,
                "secret": endpoint.secret,
                "header_title": gettext("Webhook endpoint created"),
                "page_title": gettext("Webhook endpoint created"),
                "header_icon": self.header_icon,
                "done_url": reverse(self.index_url_name),
            },
        )


class EndpointEditView(generic.EditView):  # type: ignore[misc]  # wagtail is untyped
    """The form, the secret's last four characters, "Roll secret", and why it is off."""

    template_name = TEMPLATES + "endpoint_edit.html"
    roll_secret_url_name: str | None = None

    @cached_property
    def roll_secret_url(self) -> str:
        if self.roll_secret_url_name is None or not self.user_has_permission("change"):
            return ""
        return reverse(self.roll_secret_url_name, args=[quote(self.object.pk)])

    @cached_property
    def header_more_buttons(self) -> list[Button]:
        buttons: list[Button] = list(super().header_more_buttons)
        if self.roll_secret_url:
            buttons.append(
                Button(_("Roll secret"), url=self.roll_secret_url, icon_name="key", priority=15)
            )
        return buttons

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            disabled_notice=disabled_notice(self.object),
            roll_secret_url=self.roll_secret_url,
        )
        return context


class RollSecretView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """A confirmation page; its POST makes a new secret and shows it once."""

    model = WebhookEndpoint
    permission_required = "change"
    template_name = TEMPLATES + "roll_secret.html"
    page_title = _("Roll secret")
    header_icon = "key"
    index_url_name: str | None = None
    edit_url_name: str | None = None
    roll_secret_url_name: str | None = None

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(WebhookEndpoint, pk=unquote(str(kwargs["pk"])))

    @cached_property
    def edit_url(self) -> str:
        return reverse(str(self.edit_url_name), args=[quote(self.object.pk)])

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(str(self.index_url_name)), "label": gettext("Webhook endpoints")},
            {"url": self.edit_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            endpoint=self.object,
            hours=ROLLED_SECRET_HOURS,
            action_url=reverse(str(self.roll_secret_url_name), args=[quote(self.object.pk)]),
            edit_url=self.edit_url,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        secret = self.object.roll_secret(timezone.now())
        return secret_response(
            request,
            {
                "endpoint": self.object,
                "secret": secret,
                "rolled_hours": ROLLED_SECRET_HOURS,
                "header_title": gettext("New signing secret"),
                "page_title": gettext("New signing secret"),
                "header_icon": self.header_icon,
                "done_url": self.edit_url,
            },
        )


class DeliveryIndexView(generic.IndexView):  # type: ignore[misc]  # wagtail is untyped
    """Newest first; each row's endpoint and booking joined in."""

    def get_base_queryset(self) -> QuerySet[WebhookDelivery]:
        queryset: QuerySet[WebhookDelivery] = super().get_base_queryset()
        return queryset.select_related("endpoint", "booking")


class DeliveryInspectView(generic.InspectView):  # type: ignore[misc]  # wagtail is untyped
    """One delivery: its record, the exact body sent (pretty-printed), "Redeliver"."""

    template_name = TEMPLATES + "delivery_inspect.html"
    redeliver_url_name: str | None = None

    def get_object(self, queryset: Any = None) -> WebhookDelivery:
        return get_object_or_404(
            WebhookDelivery.objects.select_related("endpoint", "booking"), pk=unquote(str(self.pk))
        )

    def get_page_subtitle(self) -> str:
        return str(self.object.event_id)

    def get_fields_context(self) -> list[Any]:
        """None of the generic list: the template lays the record out itself."""
        return []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        delivery: WebhookDelivery = self.object
        context.update(
            delivery=delivery,
            payload=pretty_json(delivery.payload),
            booking_url=booking_admin_url(delivery),
            endpoint_url=reverse(
                f"{ENDPOINTS_ADMIN_NAMESPACE}:edit", args=[quote(delivery.endpoint_id)]
            ),
            redeliver_url=(
                reverse(str(self.redeliver_url_name), args=[quote(delivery.pk)])
                if can_redeliver(delivery) and self.user_has_permission("change")
                else ""
            ),
        )
        return context


def pretty_json(payload: str) -> str:
    """The stored body indented for reading; shown as stored if it is not JSON."""
    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except ValueError:
        return payload


class RedeliverView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """POST only: owe the delivery again (same event id) and send it after commit."""

    model = WebhookDelivery
    permission_required = "change"
    http_method_names = ["post"]
    inspect_url_name: str | None = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
        delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("endpoint"), pk=unquote(str(kwargs["pk"]))
        )
        inspect_url = reverse(str(self.inspect_url_name), args=[quote(delivery.pk)])
        if not can_redeliver(delivery):
            messages.warning(request, refusal(delivery))
            return redirect(inspect_url)
        with transaction.atomic():
            delivery.redeliver(timezone.now(), booking_settings.WEBHOOK_RETRY_HOURS)
            pk = delivery.pk
            transaction.on_commit(lambda: deliver_webhook(pk), robust=True)
        messages.success(
            request,
            gettext("%(event)s is being sent again to %(endpoint)s.")
            % {"event": delivery.event_id, "endpoint": delivery.endpoint},
        )
        return redirect(inspect_url)


def refusal(delivery: WebhookDelivery) -> str:
    if delivery.status == DeliveryStatus.PENDING:
        return gettext("%(event)s is still being sent; nothing was changed.") % {
            "event": delivery.event_id
        }
    return gettext("The endpoint %(endpoint)s is switched off: turn it on, then redeliver.") % {
        "endpoint": delivery.endpoint
    }


class RedeliverColumn(Column):  # type: ignore[misc]  # wagtail is untyped
    """A "Redeliver" button (a POST form) on the rows that may be sent again."""

    cell_template_name = TEMPLATES + "redeliver_cell.html"

    def __init__(self, name: str, *, url_name: str, **kwargs: Any) -> None:
        super().__init__(name, accessor=lambda delivery: "", **kwargs)
        self.url_name = url_name

    def get_cell_context_data(self, instance: WebhookDelivery, parent_context: Any) -> Any:
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        shown = request is not None and can_redeliver(instance)
        context.update(
            redeliver_url=reverse(self.url_name, args=[quote(instance.pk)]) if shown else "",
            csrf_token=get_token(request) if shown else "",
        )
        return context
