"""The embed frame may be framed by the sites the settings name, and only shows real types."""

from django.urls import reverse


def test_embed_frame_is_frameable_by_any_site_by_default(client, product_demo):
    response = client.get(reverse("wagtail_pmc_booking:embed_frame", args=["product-demo"]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    assert "X-Frame-Options" not in response


def test_embed_frame_ancestors_come_from_the_settings(client, product_demo, settings):
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "EMBED_FRAME_ANCESTORS": "https://www.example.com",
    }
    response = client.get(reverse("wagtail_pmc_booking:embed_frame", args=["product-demo"]))
    assert response["Content-Security-Policy"] == "frame-ancestors https://www.example.com"


def test_embed_frame_of_an_unknown_meeting_type_is_404(client, db):
    response = client.get(reverse("wagtail_pmc_booking:embed_frame", args=["nope"]))
    assert response.status_code == 404


def test_embed_frame_for_a_host_outside_the_meeting_type_is_404(client, product_demo):
    url = reverse("wagtail_pmc_booking:embed_frame", args=["product-demo"])
    assert client.get(url, {"host": "someone-else"}).status_code == 404
    assert client.get(url, {"host": "asha"}).status_code == 200


def test_widget_config_carries_the_api_base_and_meeting_type(client, product_demo):
    response = client.get(reverse("wagtail_pmc_booking:embed_frame", args=["product-demo"]))
    config = response.context["widget"]
    assert config["apiBase"] == "/v1/"
    assert config["meetingType"] == {
        "slug": "product-demo",
        "name": "Product Demo",
        "durations": [15, 30, 45, 60],
        "defaultDuration": 30,
    }
