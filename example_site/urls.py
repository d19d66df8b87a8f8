from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.http import HttpResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls


def no_favicon(request):
    """The demo has no icon; its pages say so (``data:,``), and older clients get a 204."""
    return HttpResponse(status=204)


urlpatterns = [
    path("favicon.ico", no_favicon),
    path("admin/", include(wagtailadmin_urls)),
    path("v1/", include("wagtail_pmc_booking.api.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("booking/", include("wagtail_pmc_booking.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]
