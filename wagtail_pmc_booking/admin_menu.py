"""The "Bookings" admin menu: one group holding every feature's viewset.

It sits above the features (hosts, bookings, API keys, webhooks) so none of them imports another's
viewsets; ``hosts_admin.wagtail_hooks`` registers it, once every policy is registered.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .api.viewsets import ApiKeyViewSet
from .booking_admin.viewsets import BookingViewSet
from .hosts_admin.viewsets import HostViewSet, MeetingTypeViewSet, OutOfOfficeViewSet
from .webhooks.viewsets import WebhookDeliveryViewSet, WebhookEndpointViewSet


class BookingsGroup(SnippetViewSetGroup):
    """Everything of the app under one "Bookings" menu; later features append to ``items``."""

    menu_label = _("Bookings")
    menu_icon = "calendar"
    menu_name = "bookings"
    items = [
        BookingViewSet,
        MeetingTypeViewSet,
        HostViewSet,
        OutOfOfficeViewSet,
        ApiKeyViewSet,
        WebhookEndpointViewSet,
        WebhookDeliveryViewSet,
    ]
