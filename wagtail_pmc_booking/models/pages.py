"""The booking page: logic in an abstract mixin, a thin concrete page (like wagtail forms)."""

from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..widget import widget_config


class BookingPageMixin(RoutablePageMixin, models.Model):
    """Add to your own page class to make it a booking page with the attendee widget.

    Routes: the calendar (``""``) and the reschedule/cancel links (``manage/<token>/…``),
    which render the same widget in the right mode inside the site's own page design.
    """

    meeting_type = models.ForeignKey(
        "wagtail_pmc_booking.MeetingType",
        verbose_name=_("meeting type"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    host = models.ForeignKey(
        "wagtail_pmc_booking.Host",
        verbose_name=_("only this host"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to offer every host of the meeting type."),
    )
    intro = RichTextField(_("intro"), blank=True)
    confirmation_text = RichTextField(
        _("confirmation text"), blank=True, help_text=_("Shown after a booking is made.")
    )

    booking_panels = [
        FieldPanel("meeting_type"),
        FieldPanel("host"),
        FieldPanel("intro"),
        FieldPanel("confirmation_text"),
    ]

    class Meta:
        abstract = True

    def get_widget_config(self, **kwargs):
        return widget_config(self.meeting_type, host=self.host, **kwargs)

    @path("")
    def calendar(self, request):
        return self.render(request, context_overrides={"widget": self.get_widget_config()})

    @path("manage/<str:token>/reschedule/", name="reschedule")
    def reschedule(self, request, token):
        return self.render_manage(request, token, "reschedule")

    @path("manage/<str:token>/cancel/", name="cancel")
    def cancel(self, request, token):
        return self.render_manage(request, token, "cancel")

    @path("confirmed/<str:token>/", name="confirmed")
    def confirmed(self, request, token):
        return self.render_manage(request, token, "confirmed")

    def render_manage(self, request, token, mode):
        """The widget in reschedule/cancel/confirmation mode for the token's booking."""
        from ..booking import get_by_manage_token

        booking = get_by_manage_token(token)
        if booking is None:
            return TemplateResponse(
                request, "wagtail_pmc_booking/manage/invalid.html", {"page": self}, status=404
            )
        config = widget_config(booking.meeting_type, mode=mode, booking=booking, manage_token=token)
        return self.render(request, context_overrides={"widget": config, "booking": booking})


class BookingPage(BookingPageMixin, Page):
    content_panels = Page.content_panels + BookingPageMixin.booking_panels
    template = "wagtail_pmc_booking/pages/booking_page.html"

    class Meta:
        verbose_name = _("booking page")
        verbose_name_plural = _("booking pages")
