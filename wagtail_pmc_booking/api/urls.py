"""Mount with ``path("v1/", include("wagtail_pmc_booking.api.urls"))``.

The API is one ``NinjaAPI`` made of feature routers. ``ROUTERS`` lists them; the Zoom
integration adds its router there under ``"/integrations"`` (its paths then become
``/v1/integrations/zoom/…``) and inherits the error envelope, the body-size guard
and the OpenAPI document.
"""

from collections.abc import Sequence
from typing import Any

from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router

from . import bookings, errors, integrations, slots, webhook_docs
from .guards import JsonObjectParser, limit_body_size

ROUTERS: list[tuple[str, Router]] = [
    ("", slots.router),
    ("", bookings.router),
    ("/integrations", integrations.router),
]

DESCRIPTION = """\
Slots, bookings and the Zoom integration of wagtail_pmc_booking.

Send `Authorization: Bearer pmc_live_…` (or `pmc_test_…` for the Zoom sandbox) where an
API key is needed. Every non-2xx answer is
`{"status": "error", "error": {"code", "message", "fields"?}}`.
"""


class BookingAPI(NinjaAPI):
    """The API whose OpenAPI document also describes the outbound webhooks."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return webhook_docs.add_webhooks(super().get_openapi_schema(**kwargs))


def build_api() -> NinjaAPI:
    api = BookingAPI(
        title="PMC Booking API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="pmc_booking_api",
        parser=JsonObjectParser(),
    )
    errors.install(api)
    api.add_decorator(limit_body_size, mode="view")
    for prefix, router in ROUTERS:
        api.add_router(prefix, router)
    return api


def enveloped(patterns: Sequence[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """ninja's URL patterns, answering a wrong method with the error envelope."""
    return [
        URLPattern(p.pattern, errors.with_envelope(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]


api = build_api()

app_name = "pmc_booking_api"
urlpatterns = [
    *enveloped(api.urls[0]),
    # Exempt like ninja's own views: an API client has no CSRF cookie, and an unknown
    # path must answer the 404 envelope for every method, not Django's CSRF page.
    re_path(r"", csrf_exempt(errors.not_found_view), name="not_found"),
]
