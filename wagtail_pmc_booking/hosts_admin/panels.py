"""Panels of the host editor: fields only site admins edit (the host's owner sees them
read-only), and the week grid of availability windows."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from wagtail.admin.panels import FieldPanel, InlinePanel

from ..models.hosts import Weekday

ADMIN_ONLY = "wagtail_pmc_booking.change_host"
"""Host fields an owner may not change: only users who may change any host edit them."""


class AdminOnlyFieldPanel(FieldPanel):
    """Edited by site admins; a host's owner sees the value read-only.

    ``permission`` leaves the field out of the owner's form, so a value they post
    anyway is ignored: the server, not the page, keeps it unchanged.
    """

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        super().__init__(field_name, permission=ADMIN_ONLY, **kwargs)

    def clone_kwargs(self) -> dict[str, Any]:
        kwargs = super().clone_kwargs()
        del kwargs["permission"]
        return kwargs

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if self.form is not None and self.bound_field is None:
                self.read_only = True
                self.heading = self.panel.heading or capfirst(self.panel.db_field.verbose_name)
                self.help_text = self.panel.help_text or capfirst(self.panel.db_field.help_text)

        def is_shown(self) -> bool:
            return self.read_only or super().is_shown()


class TimeRangeInput(forms.TimeInput):
    """The browser's own time picker (keyboard-friendly, no admin script to re-bind)."""

    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DateInput(forms.DateInput):
    """The browser's own date picker, as for the times beside it."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class WeekGridPanel(InlinePanel):
    """The host's ``AvailabilityWindow`` rows as a week: a row per weekday with its windows
    (add, remove, "Copy to all weekdays": Monday to Friday), "Unavailable" on a day
    without any.

    The same inline formset as an ``InlinePanel`` underneath, so saving, the overlap check
    and each row's errors are the host form's; ``admin/week_grid.js`` adds and removes rows.
    """

    def __init__(self, relation_name: str = "availability_windows", **kwargs: Any) -> None:
        kwargs.setdefault(
            "panels",
            [
                FieldPanel("weekday", widget=forms.HiddenInput),
                FieldPanel("start_time", widget=TimeRangeInput),
                FieldPanel("end_time", widget=TimeRangeInput),
            ],
        )
        super().__init__(relation_name, **kwargs)

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "wagtail_pmc_booking/admin/panels/week_grid.html"
        # Wagtail's client-side InlinePanel expects its own markup; the grid has its own
        # script, so the editor sees a plain panel.
        telepath_adapter_name = "wagtail.panels.Panel"

        def telepath_pack(self, context: Any) -> tuple[str, list[Any]]:
            return (self.telepath_adapter_name, [{"type": "Panel", "prefix": self.prefix}])

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            by_day: dict[int, list[Any]] = {day.value: [] for day in Weekday}
            for child in self.children:
                by_day.setdefault(_weekday_of(child.form), []).append(child)
            context["days"] = [
                {"value": day.value, "label": day.label, "windows": by_day[day.value]}
                for day in Weekday
            ]
            return context


def _weekday_of(form: forms.Form) -> int:
    """The weekday a row belongs to, as posted or stored; a row without one shows on Monday."""
    try:
        return int(form["weekday"].value())
    except (TypeError, ValueError):
        return Weekday.MONDAY.value
