"""Permission policies of hosts, out-of-office and meeting types.

Imported by the app's top-level ``wagtail_hooks`` (Wagtail discovers only that one),
before it registers the "Bookings" menu group: a viewset reads its model's policy when it
is registered, and a policy registered after that would be refused.
"""

from wagtail.permissions import register_permission_policy

from ..models import Host, MeetingType, OutOfOffice
from .permissions import (
    host_permission_policy,
    meeting_type_permission_policy,
    out_of_office_permission_policy,
)

register_permission_policy(Host, host_permission_policy)
register_permission_policy(OutOfOffice, out_of_office_permission_policy)
register_permission_policy(MeetingType, meeting_type_permission_policy)
