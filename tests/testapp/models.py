"""A page type of the tests only: any page with the booking blocks in its StreamField."""

from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_pmc_booking.blocks import BookingCalendarBlock, HostAvailabilityBlock


class BlockPage(Page):
    body = StreamField(
        [
            ("booking_calendar", BookingCalendarBlock()),
            ("host_availability", HostAvailabilityBlock()),
        ],
        blank=True,
    )

    template = "testapp/block_page.html"
