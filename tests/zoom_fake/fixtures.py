"""The ``fake_zoom`` and ``zoom_client`` fixtures; conftest files re-export what they need."""

import pytest

from wagtail_pmc_booking.zoom.client import ZoomClient

from .server import FakeZoom

# Small, so timeout faults cost half a second; loopback answers take milliseconds.
TEST_TIMEOUT = (0.5, 0.5)


@pytest.fixture
def fake_zoom(settings):
    """A running fake Zoom that ``get_client()`` and ``ZoomClient.from_settings()`` talk to.

    On teardown it fails the test if any request broke the Zoom spec or crashed the fake;
    a test that sends an invalid request on purpose clears ``validation_errors`` itself.
    """
    with FakeZoom() as fake:
        settings.WAGTAIL_PMC_BOOKING = {
            **(getattr(settings, "WAGTAIL_PMC_BOOKING", None) or {}),
            "ZOOM_BACKEND": "zoom",
            "ZOOM_ACCOUNT_ID": fake.account_id,
            "ZOOM_CLIENT_ID": fake.client_id,
            "ZOOM_CLIENT_SECRET": fake.client_secret,
            "ZOOM_API_BASE_URL": fake.base_url,
            "ZOOM_OAUTH_TOKEN_URL": fake.token_url,
            "ZOOM_TIMEOUT": TEST_TIMEOUT,
        }
        client = ZoomClient.from_settings()
        client.clear_token()
        yield fake
        client.clear_token()
    assert fake.server_errors == [], "the fake Zoom crashed"
    assert fake.validation_errors == [], "requests broke the Zoom API spec"


@pytest.fixture
def zoom_client(fake_zoom):
    return ZoomClient.from_settings()
