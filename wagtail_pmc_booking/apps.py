from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPmcBookingConfig(AppConfig):
    name = "wagtail_pmc_booking"
    label = "wagtail_pmc_booking"
    verbose_name = _("Bookings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import slot_cache

        slot_cache.connect()
        # Connects the Zoom lifecycle to committed bookings and registers its Huey tasks
        # in every process (web and consumer alike).
        from .zoom import receivers  # noqa: F401
