"""Admin hooks of webhooks; imported by the app's top-level ``wagtail_hooks``.

The endpoint and delivery policies are registered on import, before the "Bookings" menu
group that holds their viewsets is registered. The dashboard warns site admins while an
endpoint is switched off after failing for days, since its events go nowhere.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry, register_permission_policy

from ..models import WebhookDelivery, WebhookEndpoint
from .permissions import delivery_permission_policy, endpoint_permission_policy
from .views import ENDPOINTS_ADMIN_NAMESPACE, disabled_endpoints, disabled_notice

register_permission_policy(WebhookEndpoint, endpoint_permission_policy)
register_permission_policy(WebhookDelivery, delivery_permission_policy)


class DisabledEndpointsPanel(Component):  # type: ignore[misc]  # wagtail is untyped
    """Above the bookings panel: which endpoints stopped, when and why, and where to fix it."""

    name = "pmc_webhooks_disabled"
    order = 90
    template_name = "wagtail_pmc_booking/webhooks/disabled_panel.html"

    def __init__(self, endpoints: list[WebhookEndpoint]) -> None:
        self.endpoints = endpoints

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "rows": [
                (
                    endpoint,
                    disabled_notice(endpoint),
                    reverse(f"{ENDPOINTS_ADMIN_NAMESPACE}:edit", args=[endpoint.pk]),
                )
                for endpoint in self.endpoints
            ]
        }


@hooks.register("construct_homepage_panels")  # type: ignore[untyped-decorator]
def add_disabled_endpoints_panel(request: HttpRequest, panels: list[Any]) -> None:
    """Only for those who may change endpoints, and only while one is disabled."""
    if not policy_registry.get_by_type(WebhookEndpoint).user_has_permission(request.user, "change"):
        return
    endpoints = list(disabled_endpoints())
    if endpoints:
        panels.append(DisabledEndpointsPanel(endpoints))
