"""Who may see and change webhooks in the admin: site admins (superusers) only.

An endpoint's secret signs requests a business trusts, and a delivery's payload holds
attendees' answers: no group can be granted either, so no model permission is offered
and a group holding every permission of the app is still refused. Deliveries are only
viewed and redelivered ("change"); nobody adds, edits or deletes one here.
Registered with Wagtail in ``webhooks.wagtail_hooks``.
"""

from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from ..models import WebhookDelivery, WebhookEndpoint

ENDPOINT_ACTIONS = frozenset({"add", "change", "delete", "view"})
DELIVERY_ACTIONS = frozenset({"change", "view"})
""""change" is the redeliver button; a delivery is otherwise written by the outbox alone."""


def is_site_admin(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


class SiteAdminPermissionPolicy(BasePermissionPolicy):  # type: ignore[misc]  # wagtail is untyped
    """Active superusers may do ``actions``; nobody else may do anything."""

    def __init__(self, model: type[Model], actions: Collection[str]) -> None:
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in self.actions and is_site_admin(user)

    def user_has_any_permission(self, user: Any, actions: Collection[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Collection[str]) -> QuerySet[AbstractBaseUser]:
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if self.actions.intersection(actions) else users.none()


endpoint_permission_policy = SiteAdminPermissionPolicy(WebhookEndpoint, ENDPOINT_ACTIONS)
delivery_permission_policy = SiteAdminPermissionPolicy(WebhookDelivery, DELIVERY_ACTIONS)
