from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from wagtail_pmc_booking.blocks import BookingCalendarBlock, HostAvailabilityBlock


class HomePage(Page):
    """The demo's home: editors mix text with the booking blocks anywhere."""

    intro = RichTextField(_("intro"), blank=True)
    body = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(label=_("Paragraph"))),
            ("booking_calendar", BookingCalendarBlock()),
            ("host_availability", HostAvailabilityBlock()),
        ],
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
