"""Admin hooks of the app: each feature registers its own policies and views.

Wagtail discovers only ``<app>.wagtail_hooks``, so the features' hooks modules are
imported from here (the way wagtail-localize's sub-packages are). Each registers its
models' permission policies on import; the "Bookings" menu group, which holds viewsets of
several features, is registered here after all of them, as Wagtail requires.
"""

from wagtail.snippets.models import register_snippet

from .admin_menu import BookingsGroup
from .booking_admin import wagtail_hooks as booking_admin_hooks  # noqa: F401
from .calendars import wagtail_hooks as calendars_hooks  # noqa: F401
from .hosts_admin import wagtail_hooks as hosts_admin_hooks  # noqa: F401
from .webhooks import wagtail_hooks as webhooks_hooks  # noqa: F401
from .zoom import wagtail_hooks as zoom_hooks  # noqa: F401

register_snippet(BookingsGroup)
