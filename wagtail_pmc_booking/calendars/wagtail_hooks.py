"""Admin hooks of host calendars; imported by the app's top-level ``wagtail_hooks``."""

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path
from wagtail import hooks
from wagtail.admin.ui.components import Component

from .admin import SYNC_URL_NAME, calendars_needing_attention, host_edit_url, sync_now


@hooks.register("register_admin_urls")  # type: ignore[untyped-decorator]
def calendar_urls() -> list[URLPattern]:
    return [path("pmc-calendars/<int:pk>/sync/", sync_now, name=SYNC_URL_NAME)]


class CalendarAttentionPanel(Component):  # type: ignore[misc]
    """Calendars whose last read failed, on the dashboard beside the bookings panel."""

    name = "pmc_calendars_attention"
    order = 151
    template_name = "wagtail_pmc_booking/calendars/attention_panel.html"

    def __init__(self, calendars: list[Any]) -> None:
        self.calendars = calendars

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {"rows": [(calendar, host_edit_url(calendar.host)) for calendar in self.calendars]}


@hooks.register("construct_homepage_panels")  # type: ignore[untyped-decorator]
def add_calendar_attention(request: HttpRequest, panels: list[Any]) -> None:
    """Shown only when a calendar the user may change needs attention."""
    calendars = calendars_needing_attention(request.user)
    if calendars:
        panels.append(CalendarAttentionPanel(calendars))
