"""The test site's URLs plus what the lead has yet to wire: the Zoom router and admin.

Until ``api/urls.py`` lists the integrations router and the top-level ``wagtail_hooks``
imports the Zoom hooks, the tests mount both here, the way the site will.
"""

from django.urls import include, path, re_path
from ninja import NinjaAPI

from tests.urls import urlpatterns as site_urlpatterns
from wagtail_pmc_booking.api import errors, integrations
from wagtail_pmc_booking.api import urls as api_urls
from wagtail_pmc_booking.api.guards import JsonObjectParser, limit_body_size
from wagtail_pmc_booking.zoom.views import zoom_meetings_viewset


def build_api():
    routers = list(api_urls.ROUTERS)
    if not any(router is integrations.router for _prefix, router in routers):
        routers.append(("/integrations", integrations.router))
    api = NinjaAPI(
        title="PMC Booking API",
        version="1",
        urls_namespace="pmc_booking_api",
        parser=JsonObjectParser(),
    )
    errors.install(api)
    api.add_decorator(limit_body_size, mode="view")
    for prefix, router in routers:
        api.add_router(prefix, router)
    return api


api = build_api()
api_patterns = [
    *api_urls.enveloped(api.urls[0]),
    re_path(r"", errors.not_found_view, name="not_found"),
]

urlpatterns = [
    path(
        f"admin/{zoom_meetings_viewset.url_prefix}/",
        include(
            (zoom_meetings_viewset.get_urlpatterns(), zoom_meetings_viewset.url_namespace),
            namespace=zoom_meetings_viewset.url_namespace,
        ),
    ),
    path("v1/", include((api_patterns, "pmc_booking_api"))),
    *[p for p in site_urlpatterns if str(p.pattern) != "v1/"],
]
