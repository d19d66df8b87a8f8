"""The test URLs plus a ``manage_calendar`` route, as the public URLs of this release name it."""

from django.http import HttpResponse
from django.urls import include, path

from tests.urls import urlpatterns as base
from wagtail_pmc_booking.urls import urlpatterns as public


def calendar_redirect(request, token, service):
    return HttpResponse(f"{token} {service}")


calendar = path(
    "manage/<str:token>/calendar/<str:service>/", calendar_redirect, name="manage_calendar"
)
named = [p for p in public if getattr(p, "name", None) != "manage_calendar"]
urlpatterns = [
    path("booking/", include(([*named, calendar], "wagtail_pmc_booking"))),
    *[p for p in base if "booking/" != str(p.pattern)],
]
