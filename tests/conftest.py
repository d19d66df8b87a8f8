import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from tests import factories
from tests.calendars.feed_server import FeedServer
from tests.calendars.radicale_server import RadicaleServer
from wagtail_pmc_booking import slot_cache


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on SQLite; CI runs them on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def fresh_slot_cache():
    """Database rows roll back between tests; cached slot lists must not outlive them."""
    slot_cache.invalidate()


@pytest.fixture
def admin_access_group(db):
    """What a site admin gives a host's account: admin access and no model permissions."""
    group = Group.objects.create(name="Hosts")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


@pytest.fixture
def seed_host(db):
    return factories.make_seed_host(name="Asha Rao", slug="asha")


@pytest.fixture
def product_demo(seed_host):
    return factories.make_meeting_type(
        hosts=[seed_host], name="Product Demo", slug="product-demo", assignment="round_robin"
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a booking change and its after-commit work (the signal's receivers: Zoom,
    emails) as a request's commit would."""

    def committed(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return committed


@pytest.fixture
def feed_server():
    """A loopback HTTP server answering calendar reads as each test sets it up."""
    with FeedServer() as server:
        yield server


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real CalDAV server (Radicale) on 127.0.0.1 for the whole run."""
    with RadicaleServer(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
def radicale_calendar(radicale):
    """A fresh, empty CalDAV calendar on the Radicale server; its URL."""
    return radicale.make_calendar()
