"""Who may list, resync and start Zoom meetings in the admin.

"Can view Zoom meeting" lists the meetings; "Can change Zoom meeting" lists them and
resyncs one now. Starting a meeting is no Django permission: the link makes you the
meeting's host, so only staff (and superusers) may, whatever group they are in.
Registered with Wagtail in ``zoom.wagtail_hooks``; the views ask the registered policy,
so a site may register its own with ``exact_class=True``.
"""

from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy, ModelPermissionPolicy
from wagtail.permissions import policy_registry

from ..models import ZoomMeeting

User = AbstractBaseUser | AnonymousUser

VIEW = ("view", "change")
"""Either right lets a user list the meetings: whoever may resync them sees them too."""

RESYNC = "change"
START = "start"
"""Not a Django permission: decided by ``is_staff`` (or ``is_superuser``) alone."""


def is_staff(user: User) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


class ZoomMeetingPermissionPolicy(ModelPermissionPolicy):  # type: ignore[misc]
    """Model permissions for "view" and "change", staff status for "start"; never for an
    inactive account, whatever an authentication backend says."""

    def user_has_permission(self, user: User, action: str) -> bool:
        if not user.is_active:
            return False
        if action == START:
            return is_staff(user)
        return bool(super().user_has_permission(user, action))

    def users_with_any_permission(self, actions: Collection[str]) -> QuerySet[AbstractBaseUser]:
        codenames = self._get_permission_codenames([a for a in actions if a != START])
        condition: Q = self._get_users_with_any_permission_codenames_filter(codenames)
        if START in actions:
            condition |= Q(is_active=True) & (Q(is_staff=True) | Q(is_superuser=True))
        return get_user_model().objects.filter(condition).distinct()


zoom_meeting_permission_policy = ZoomMeetingPermissionPolicy(ZoomMeeting)


def meeting_policy() -> BasePermissionPolicy:
    """The policy Wagtail holds for Zoom meetings: this one, or a site's own."""
    return policy_registry.get_by_type(ZoomMeeting)
