"""Admin registration. Permission policies first: Wagtail needs them before the viewsets."""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import Host, MeetingType, OutOfOffice
from .permissions import (
    host_permission_policy,
    meeting_type_permission_policy,
    out_of_office_permission_policy,
)
from .viewsets import BookingsGroup

register_permission_policy(Host, host_permission_policy)
register_permission_policy(OutOfOffice, out_of_office_permission_policy)
register_permission_policy(MeetingType, meeting_type_permission_policy)

register_snippet(BookingsGroup)

# Feature sub-packages register their own admin views.
from .booking_admin import wagtail_hooks as booking_admin_hooks  # noqa: E402,F401
from .zoom import wagtail_hooks as zoom_hooks  # noqa: E402, F401
