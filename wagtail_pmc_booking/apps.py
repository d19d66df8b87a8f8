from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPmcBookingConfig(AppConfig):
    name = "wagtail_pmc_booking"
    label = "wagtail_pmc_booking"
    verbose_name = _("Bookings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the receivers of every feature (web and consumer processes alike).

        Models are only importable once the registry is ready, hence the import here.
        Receivers run in the order they connect: Zoom first, so the emails carry the
        join link; notifications last among the booking's own effects.
        """
        from . import receivers

        receivers.connect()
