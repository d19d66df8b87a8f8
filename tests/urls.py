from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("booking/", include("wagtail_pmc_booking.urls")),
    path("v1/", include("wagtail_pmc_booking.api.urls")),
    path("", include(wagtail_urls)),
]
