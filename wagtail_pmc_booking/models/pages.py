"""The booking page: logic in an abstract mixin, a thin concrete page (like wagtail forms)."""

from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..widget import widget_config


class BookingPageMixin(RoutablePageMixin, models.Model):
    """Add to your own page class to make it a booking page with the attendee widget.

    Routes: the calendar (``""``); ``manage/<token>/…`` and ``confirmed/<token>/`` only
    redirect to the attendee's manage pages, so links of earlier releases keep working.
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
        return widget_config(self.meeting_type, host=self.host, page=self, **kwargs)

    @path("")
    def calendar(self, request):
        """The widget, with the whole page in its language (``<html lang>`` included)."""
        widget = self.get_widget_config(request=request)
        with translation.override(widget["language"]):
            response = self.render(request, context_overrides={"widget": widget})
            return response.render()

    # The attendee's links live at one place, ``booking/manage/<token>/…`` (see
    # ``views.py``); these routes of earlier releases redirect there, so old links work.
    @path("manage/<str:token>/reschedule/", name="reschedule")
    def reschedule(self, request, token):
        return self.redirect_manage("reschedule", token)

    @path("manage/<str:token>/cancel/", name="cancel")
    def cancel(self, request, token):
        return self.redirect_manage("cancel", token)

    @path("confirmed/<str:token>/", name="confirmed")
    def confirmed(self, request, token):
        return self.redirect_manage("booking", token)

    def redirect_manage(self, name, token):
        if not (token.isascii() and token.isalnum()):
            raise Http404
        response = redirect(reverse(f"wagtail_pmc_booking:manage_{name}", args=[token]))
        response["Referrer-Policy"] = "same-origin"
        return response


class BookingPage(BookingPageMixin, Page):
    content_panels = Page.content_panels + BookingPageMixin.booking_panels
    template = "wagtail_pmc_booking/pages/booking_page.html"

    class Meta:
        verbose_name = _("booking page")
        verbose_name_plural = _("booking pages")
