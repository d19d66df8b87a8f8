"""StreamField blocks editors can place on any page."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .models import OutOfOffice
from .models.hosts import Weekday
from .widget import widget_config


class BookingCalendarBlock(blocks.StructBlock):
    """The full attendee widget for one meeting type, inline in the page."""

    heading = blocks.CharBlock(label=_("Heading"), required=False)
    meeting_type = SnippetChooserBlock("wagtail_pmc_booking.MeetingType", label=_("Meeting type"))
    host = SnippetChooserBlock(
        "wagtail_pmc_booking.Host",
        label=_("Only this host"),
        required=False,
        help_text=_("Leave empty to offer every host of the meeting type."),
    )

    class Meta:
        icon = "date"
        label = _("Booking calendar")
        template = "wagtail_pmc_booking/blocks/booking_calendar.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        meeting_type = value.get("meeting_type")
        request = (parent_context or {}).get("request")
        context["widget"] = (
            widget_config(meeting_type, host=value.get("host"), request=request)
            if meeting_type
            else None
        )
        return context


class HostAvailabilityBlock(blocks.StructBlock):
    """A host's day-wise availability, lengths, buffers, zone and upcoming time off."""

    heading = blocks.CharBlock(label=_("Heading"), required=False)
    host = SnippetChooserBlock("wagtail_pmc_booking.Host", label=_("Host"))
    show_out_of_office = blocks.BooleanBlock(
        label=_("Show upcoming out of office"), required=False, default=True
    )

    class Meta:
        icon = "time"
        label = _("Host availability")
        template = "wagtail_pmc_booking/blocks/host_availability.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        host = value.get("host")
        if host is not None:
            context.update(host_controls(host, value.get("show_out_of_office")))
        return context


def host_controls(host, with_out_of_office=True, limit=5):
    """The seed's "Host Controls" panel as template data."""
    by_day = defaultdict(list)
    for window in sorted(host.availability_windows.all(), key=lambda w: w.start_time):
        by_day[window.weekday].append(window)
    days = [(label, by_day.get(value, [])) for value, label in Weekday.choices]
    now = timezone.now().astimezone(host.zoneinfo)
    offset = now.strftime("%z")
    controls = {
        "days": days,
        "durations": host.durations,
        "timezone_label": f"{host.timezone} (GMT{offset[:3]}:{offset[3:]})",
        "buffer_before": host.buffer_before_minutes,
        "buffer_after": host.buffer_after_minutes,
        "out_of_office": [],
    }
    if with_out_of_office:
        controls["out_of_office"] = list(
            OutOfOffice.objects.filter(
                host=host, is_enabled=True, end_date__gte=now.date()
            ).order_by("start_date", "start_time")[:limit]
        )
    return controls
