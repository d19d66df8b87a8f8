"""Who may see and cancel bookings in the admin.

Site admins hold the model permissions: "Can view booking" to look, "Can change
booking" to cancel. A host's owner account sees and cancels the bookings it hosts or
co-hosts without any model permission. Nobody adds or deletes bookings here: only
``booking.py`` writes them.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from wagtail.permissions import policy_registry

from ..hosts_admin.permissions import HostOwnerPermissionPolicy, owned_host_ids
from ..models import Booking

NEVER_OFFERED = frozenset({"add", "delete"})


class BookingPermissionPolicy(HostOwnerPermissionPolicy):
    owner_actions = frozenset({"view", "change"})

    def host_id_of(self, instance: Booking) -> int | None:
        return instance.host_id

    def owned_filter(self, host_ids: Iterable[int]) -> Q:
        co_hosted = Booking.co_hosts.through.objects.filter(host_id__in=host_ids)
        return Q(host__in=host_ids) | Q(pk__in=co_hosted.values("booking_id"))

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in NEVER_OFFERED and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Booking) -> bool:
        if action in NEVER_OFFERED:
            return False
        if self.user_manages_all(user, action):
            return True
        if action not in self.owner_actions:
            return False
        owned = owned_host_ids(user)
        return instance.host_id in owned or any(h.pk in owned for h in instance.co_hosts.all())


booking_permission_policy = BookingPermissionPolicy(Booking)


VISIBLE = ("view", "change")
"""Either right lets a user see a booking: owners and admins who may cancel see too."""


def visible_bookings(user: Any) -> QuerySet[Booking]:
    """The bookings ``user`` may see in the admin (the registered policy decides)."""
    policy = policy_registry.get_by_type(Booking)
    return policy.instances_user_has_any_permission_for(user, VISIBLE)


def sees_every_booking(user: Any) -> bool:
    """A site admin: filters offer every host and meeting type, not only the owned ones."""
    policy = policy_registry.get_by_type(Booking)
    return any(policy.user_manages_all(user, action) for action in VISIBLE)
