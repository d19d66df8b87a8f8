import pytest
from django.db import connection

from tests import factories
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
def seed_host(db):
    return factories.make_seed_host(name="Asha Rao", slug="asha")


@pytest.fixture
def product_demo(seed_host):
    return factories.make_meeting_type(
        hosts=[seed_host], name="Product Demo", slug="product-demo", assignment="round_robin"
    )
