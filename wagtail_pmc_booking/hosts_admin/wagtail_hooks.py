"""Admin registration of hosts, out-of-office and meeting types, and the "Bookings" menu.

Imported by the app's top-level ``wagtail_hooks`` (Wagtail discovers only that one).
Permission policies come first: a viewset reads its model's policy when it is registered,
and a policy registered after that would be refused. The "Bookings" group also holds the
bookings viewset, so the bookings admin's hooks (its policy) are loaded before it.
"""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from ..admin_menu import BookingsGroup
from ..booking_admin import wagtail_hooks as booking_admin_hooks  # noqa: F401  Booking's policy
from ..models import Host, MeetingType, OutOfOffice
from .permissions import (
    host_permission_policy,
    meeting_type_permission_policy,
    out_of_office_permission_policy,
)

register_permission_policy(Host, host_permission_policy)
register_permission_policy(OutOfOffice, out_of_office_permission_policy)
register_permission_policy(MeetingType, meeting_type_permission_policy)

register_snippet(BookingsGroup)
