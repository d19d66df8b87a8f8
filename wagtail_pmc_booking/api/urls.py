"""Mount with ``path("v1/", include("wagtail_pmc_booking.api.urls"))``."""

from ninja import NinjaAPI

api = NinjaAPI(title="PMC Booking API", version="1", urls_namespace="pmc_booking_api")

urlpatterns = [*api.urls[0]]
