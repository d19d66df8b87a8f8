"""Who may manage hosts, out-of-office periods and meeting types in the Wagtail admin.

Site admins are users with the model's Django permissions (superusers, or a group
granting e.g. "Can change host"); they manage every row. A host's owner account
(``Host.user``) gets rights on that host's own rows only, without any Django
permission. To let a host log in, the site admin puts the account in a group that has
"Can access Wagtail admin" (``wagtailadmin.access_admin``) and nothing else.

The same rule holds in every admin view, the snippet choosers included: an owner who is
not a site admin sees only their own host, that host's out-of-office entries and the
meeting types it hosts. Entries for every host (``host`` empty) are the site admins':
their reasons are not shown to owners. Users who own no host and hold no right (page
editors) may still choose any host or meeting type for a page, as their names are public
on the booking pages, but never an out-of-office entry.

``HostOwnerPermissionPolicy`` and ``owned_host_ids`` are shared: the bookings admin
(``booking_admin.permissions``) builds its policy on them too. The policies are
registered with Wagtail in ``hosts_admin.wagtail_hooks``.
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import Host, MeetingType, OutOfOffice

_OWNED_HOSTS_CACHE = "_pmc_booking_owned_host_ids"

MODEL_RIGHTS = ("add", "change", "delete", "view")
"""Any one of these, held for the whole model, lets a user choose every row."""


def owned_host_ids(user: Any) -> frozenset[int]:
    """Ids of the hosts ``user`` owns, cached on the user object for the request."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if not hasattr(user, _OWNED_HOSTS_CACHE):
        ids = frozenset(Host.objects.filter(user=user).values_list("pk", flat=True))
        setattr(user, _OWNED_HOSTS_CACHE, ids)
    return getattr(user, _OWNED_HOSTS_CACHE)


class HostOwnerPermissionPolicy(ModelPermissionPolicy):
    """Model permissions for site admins, plus ``owner_actions`` on a host's own rows.

    Subclasses say how a row maps to its host (``host_id_of``, ``owned_filter``).
    """

    owner_actions: frozenset[str] = frozenset()
    chooser_open_to_others = False
    """Whether users who are neither site admins nor owners may choose any row."""

    def host_id_of(self, instance: Any) -> int | None:
        raise NotImplementedError

    def owned_filter(self, host_ids: Iterable[int]) -> Q:
        raise NotImplementedError

    def user_manages_all(self, user: Any, action: str) -> bool:
        """Whether ``user`` may do ``action`` to every row (a site admin)."""
        return super().user_has_permission(user, action)

    def _owner_may(self, user: Any, action: str) -> bool:
        return action in self.owner_actions and bool(owned_host_ids(user))

    def user_has_permission(self, user: Any, action: str) -> bool:
        return self.user_manages_all(user, action) or self._owner_may(user, action)

    def users_with_any_permission(self, actions: Collection[str]) -> QuerySet[Any]:
        filter_expr = self._get_users_with_any_permission_codenames_filter(
            self._get_permission_codenames(actions)
        )
        if self.owner_actions.intersection(actions):
            filter_expr |= Q(is_active=True, pmc_booking_hosts__isnull=False)
        return get_user_model().objects.filter(filter_expr).distinct()

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if self.user_manages_all(user, action):
            return True
        return action in self.owner_actions and self.host_id_of(instance) in owned_host_ids(user)

    def instances_user_has_any_permission_for(
        self, user: Any, actions: Collection[str]
    ) -> QuerySet[Any]:
        manager = self.model._default_manager
        if any(self.user_manages_all(user, action) for action in actions):
            return manager.all()
        host_ids = owned_host_ids(user)
        if host_ids and self.owner_actions.intersection(actions):
            return manager.filter(self.owned_filter(host_ids))
        return manager.none()

    def instances_user_may_choose(self, user: Any) -> QuerySet[Any]:
        """Rows the snippet chooser offers: all to site admins, their own to owners."""
        manager = self.model._default_manager
        if any(self.user_manages_all(user, action) for action in MODEL_RIGHTS):
            return manager.all()
        host_ids = owned_host_ids(user)
        if host_ids:
            return manager.filter(self.owned_filter(host_ids)).distinct()
        return manager.all() if self.chooser_open_to_others else manager.none()

    def users_with_any_permission_for_instance(
        self, actions: Collection[str], instance: Any
    ) -> QuerySet[Any]:
        filter_expr = self._get_users_with_any_permission_codenames_filter(
            self._get_permission_codenames(actions)
        )
        host_id = self.host_id_of(instance)
        if host_id is not None and self.owner_actions.intersection(actions):
            filter_expr |= Q(is_active=True, pmc_booking_hosts=host_id)
        return get_user_model().objects.filter(filter_expr).distinct()


class HostPermissionPolicy(HostOwnerPermissionPolicy):
    """Owners edit their own host; creating and deleting hosts is for site admins."""

    owner_actions = frozenset({"change"})
    chooser_open_to_others = True

    def host_id_of(self, instance: Host) -> int | None:
        return instance.pk

    def owned_filter(self, host_ids: Iterable[int]) -> Q:
        return Q(pk__in=host_ids)


class OutOfOfficePermissionPolicy(HostOwnerPermissionPolicy):
    """Owners manage their own host's periods; company-wide ones are for site admins."""

    owner_actions = frozenset({"add", "change", "delete"})

    def host_id_of(self, instance: OutOfOffice) -> int | None:
        return instance.host_id

    def owned_filter(self, host_ids: Iterable[int]) -> Q:
        return Q(host__in=host_ids)


class MeetingTypePermissionPolicy(HostOwnerPermissionPolicy):
    """Meeting types are the site admins'; an owner may only choose those they host."""

    chooser_open_to_others = True

    def host_id_of(self, instance: MeetingType) -> int | None:
        """None: a meeting type has several hosts, and owners hold no right on it."""
        return None

    def owned_filter(self, host_ids: Iterable[int]) -> Q:
        return Q(hosts__in=host_ids)


host_permission_policy = HostPermissionPolicy(Host)
out_of_office_permission_policy = OutOfOfficePermissionPolicy(OutOfOffice)
meeting_type_permission_policy = MeetingTypePermissionPolicy(MeetingType)
