"""Every model with an admin has the package's own permission policy, from its feature's
``wagtail_hooks``; and the Zoom meeting policy keeps the Zoom admin's rights.

API keys are left out: their admin uses Wagtail's model permissions (the fallback
``ModelPermissionPolicy``), as no owner or staff rule applies to them.
"""

import pytest
from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.permissions import policy_registry

from tests import factories
from wagtail_pmc_booking.booking_admin.permissions import BookingPermissionPolicy
from wagtail_pmc_booking.hosts_admin.permissions import (
    HostPermissionPolicy,
    MeetingTypePermissionPolicy,
    OutOfOfficePermissionPolicy,
)
from wagtail_pmc_booking.models import Booking, Host, MeetingType, OutOfOffice, ZoomMeeting
from wagtail_pmc_booking.zoom.permissions import START, ZoomMeetingPermissionPolicy

POLICIES = {
    Host: HostPermissionPolicy,
    MeetingType: MeetingTypePermissionPolicy,
    OutOfOffice: OutOfOfficePermissionPolicy,
    Booking: BookingPermissionPolicy,
    ZoomMeeting: ZoomMeetingPermissionPolicy,
}


@pytest.mark.parametrize("model", POLICIES)
def test_every_admin_model_has_the_packages_own_policy(model):
    hooks.search_for_hooks()  # what the admin does first: import every wagtail_hooks

    policy = policy_registry.get_by_type(model, fallback=False)

    assert type(policy) is POLICIES[model]
    assert policy.model is model
    assert policy_registry.get_fallback_policy(model) is None


def zoom_user(username, *codenames, **fields):
    user = factories.make_user(username, **fields)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__model="zoommeeting", codename__in=codenames)
    )
    return user


@pytest.fixture
def zoom_policy():
    hooks.search_for_hooks()
    return policy_registry.get_by_type(ZoomMeeting, fallback=False)


@pytest.mark.parametrize(
    "codenames, fields, rights",
    [
        ((), {}, set()),
        (("view_zoommeeting",), {}, {"view"}),
        (("change_zoommeeting",), {}, {"change"}),
        ((), {"is_staff": True}, {START}),
        ((), {"is_superuser": True}, {"add", "view", "change", "delete", START}),
        (("view_zoommeeting", "change_zoommeeting"), {"is_active": False}, set()),
        ((), {"is_superuser": True, "is_staff": True, "is_active": False}, set()),
    ],
)
def test_zoom_meeting_rights(db, zoom_policy, codenames, fields, rights):
    user = zoom_user("someone", *codenames, **fields)

    held = {
        a
        for a in ("add", "view", "change", "delete", START)
        if zoom_policy.user_has_permission(user, a)
    }

    assert held == rights


def test_the_users_who_may_start_a_meeting_are_the_active_staff(db, zoom_policy):
    staff = zoom_user("staff", is_staff=True)
    root = zoom_user("root", is_superuser=True)
    viewer = zoom_user("viewer", "view_zoommeeting", "change_zoommeeting")
    zoom_user("gone", is_staff=True, is_active=False)

    assert set(zoom_policy.users_with_permission(START)) == {staff, root}
    assert set(zoom_policy.users_with_any_permission(["view", START])) == {staff, root, viewer}
