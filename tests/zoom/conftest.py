from tests.zoom_fake.fixtures import fake_zoom, zoom_client

__all__ = ["fake_zoom", "zoom_client"]
