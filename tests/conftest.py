import pytest

from tests import factories


@pytest.fixture
def seed_host(db):
    return factories.make_seed_host(name="Asha Rao", slug="asha")


@pytest.fixture
def product_demo(seed_host):
    return factories.make_meeting_type(
        hosts=[seed_host], name="Product Demo", slug="product-demo", assignment="round_robin"
    )
