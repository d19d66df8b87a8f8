"""Admin hooks of the bookings admin; imported by the app's top-level ``wagtail_hooks``.

The viewset itself joins the "Bookings" menu group (``viewsets.BookingsGroup``).
"""

from wagtail import hooks
from wagtail.permissions import policy_registry

from ..models import Booking
from .panels import BookingsPanel
from .permissions import VISIBLE


@hooks.register("construct_homepage_panels")
def add_bookings_panel(request, panels):
    if policy_registry.get_by_type(Booking).user_has_any_permission(request.user, VISIBLE):
        panels.append(BookingsPanel(request.user))
