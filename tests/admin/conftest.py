"""Accounts for the admin tests: superuser, a site admin by group, and host owners."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission

from tests import factories
from wagtail_pmc_booking.models import OutOfOffice


@pytest.fixture
def booking_managers_group(admin_access_group):
    """Site admins who are not superusers: every permission of the app's models."""
    group = Group.objects.create(name="Booking managers")
    group.permissions.add(
        *admin_access_group.permissions.all(),
        *Permission.objects.filter(content_type__app_label="wagtail_pmc_booking"),
    )
    return group


@pytest.fixture
def owner(admin_access_group):
    return factories.make_user("meera", admin_access_group)


@pytest.fixture
def owned_host(owner):
    return factories.make_seed_host(name="Meera Nair", slug="meera", user=owner, priority=3)


@pytest.fixture
def other_host(admin_access_group):
    other = factories.make_user("ravi", admin_access_group)
    return factories.make_seed_host(name="Ravi Iyer", slug="ravi", user=other)


@pytest.fixture
def global_out_of_office(db):
    return OutOfOffice.objects.create(
        host=None, start_date=date(2026, 12, 25), end_date=date(2026, 12, 25), reason="Xmas"
    )


@pytest.fixture
def owner_client(client, owner, owned_host):
    client.force_login(owner)
    return client


@pytest.fixture
def manager_client(client, booking_managers_group):
    client.force_login(factories.make_user("manager", booking_managers_group))
    return client


@pytest.fixture
def hostless_client(client, admin_access_group):
    """May log in to the admin but owns no host."""
    client.force_login(factories.make_user("visitor", admin_access_group))
    return client
