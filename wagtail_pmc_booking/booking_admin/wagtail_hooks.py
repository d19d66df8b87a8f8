"""Admin hooks of the bookings admin; imported by the app's top-level ``wagtail_hooks``.

Booking's permission policy is registered here, on import: Wagtail needs it before the
"Bookings" menu group (``admin_menu.BookingsGroup``, which holds ``BookingViewSet``) is
registered by ``hosts_admin.wagtail_hooks``. A site may put its own policy over this one
with ``register_permission_policy(Booking, ..., exact_class=True)``.
"""

from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.permissions import policy_registry, register_permission_policy

from ..models import Booking
from .panels import BookingsPanel
from .permissions import VISIBLE, booking_permission_policy

register_permission_policy(Booking, booking_permission_policy)


@hooks.register("construct_homepage_panels")
def add_bookings_panel(request: HttpRequest, panels: list[Any]) -> None:
    """The dashboard panel, for whoever may see any booking (owners their own)."""
    if policy_registry.get_by_type(Booking).user_has_any_permission(request.user, VISIBLE):
        panels.append(BookingsPanel(request.user))
