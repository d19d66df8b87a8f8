"""Snippet viewsets of hosts, out-of-office periods and meeting types.

They join the "Bookings" menu group (``admin_menu.BookingsGroup``) and follow the models'
permission policies (``permissions``) in every view, through ``owned.OwnedSnippetViewSet``.
"""

from typing import Any

from django import forms
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn

from ..calendars.admin import calendar_panels
from ..models import Host, MeetingType, OutOfOffice
from .display import (
    durations_label,
    out_of_office_host,
    out_of_office_status,
    out_of_office_times,
    weekly_summary,
)
from .filters import HostFilterSet, OutOfOfficeFilterSet
from .forms import (
    HostAdminForm,
    LanguageSelect,
    MeetingTypeAdminForm,
    OutOfOfficeAdminForm,
    TimezoneSelect,
)
from .owned import OwnedSnippetViewSet
from .panels import (
    ADMIN_ONLY,
    AdminOnlyFieldPanel,
    DateInput,
    TimeRangeInput,
    WeekGridPanel,
)

# == Hosts ==


class HostViewSet(OwnedSnippetViewSet):
    model = Host
    icon = "user"
    menu_label = _("Hosts")
    list_display = [
        "name",
        "timezone",
        Column("weekly_availability", label=_("Weekly availability"), accessor=weekly_summary),
        Column("durations", label=_("Lengths"), accessor=lambda h: durations_label(h.durations)),
        BooleanColumn("is_active", label=_("Active")),
    ]
    filterset_class = HostFilterSet
    search_fields = ["name", "email", "slug"]

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([AdminOnlyFieldPanel("name"), AdminOnlyFieldPanel("slug")]),
                    FieldRowPanel([AdminOnlyFieldPanel("email"), AdminOnlyFieldPanel("zoom_user")]),
                    FieldRowPanel(
                        [
                            FieldPanel("user", permission=ADMIN_ONLY),
                            FieldPanel("is_active", permission=ADMIN_ONLY),
                        ]
                    ),
                ],
                heading=_("Profile"),
                icon="user",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("language", widget=LanguageSelect),
                    FieldPanel("photo"),
                    FieldPanel("bio"),
                ],
                heading=_("Profile for attendees"),
                icon="image",
                help_text=_("How attendees see the host, and the language of the host's emails."),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("timezone", widget=TimezoneSelect),
                    FieldPanel("durations"),
                    FieldRowPanel(
                        [
                            FieldPanel(
                                "buffer_before_minutes",
                                help_text=_("Minutes kept free before each meeting."),
                            ),
                            FieldPanel(
                                "buffer_after_minutes",
                                help_text=_("Minutes kept free after each meeting."),
                            ),
                        ]
                    ),
                    FieldRowPanel(
                        [FieldPanel("max_bookings_per_day"), FieldPanel("max_bookings_per_week")]
                    ),
                ],
                heading=_("Meeting time preferences"),
                icon="time",
            ),
            WeekGridPanel(
                heading=_("Day-wise availability"),
                label=_("Availability window"),
                help_text=_(
                    "Wall-clock times in the host's timezone; a day without windows is "
                    "unavailable. Windows of one day may not overlap."
                ),
            ),
            InlinePanel(
                "date_overrides",
                heading=_("Date overrides"),
                label=_("Date override"),
                help_text=_(
                    "Hours on one date that replace its weekday's windows, e.g. a Saturday "
                    "morning or a short Friday. To close a whole date, add out of office."
                ),
                panels=[
                    FieldRowPanel(
                        [
                            FieldPanel("date", widget=DateInput),
                            FieldPanel("start_time", widget=TimeRangeInput),
                            FieldPanel("end_time", widget=TimeRangeInput),
                        ]
                    )
                ],
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("priority", permission=ADMIN_ONLY),
                            FieldPanel("weight", permission=ADMIN_ONLY),
                        ]
                    )
                ],
                heading=_("Assignment"),
                icon="group",
            ),
            InlinePanel(
                "out_of_office",
                heading=_("Out of office"),
                label=_("Out-of-office period"),
                help_text=_("Enabled periods hide booking slots and skip Zoom meeting creation."),
                panels=[
                    FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                    FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                    FieldRowPanel([FieldPanel("reason"), FieldPanel("is_enabled")]),
                ],
            ),
            *calendar_panels(),
        ],
        base_form_class=HostAdminForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("availability_windows")


# == Out of office ==


class OutOfOfficeViewSet(OwnedSnippetViewSet):
    model = OutOfOffice
    icon = "date"
    menu_label = _("Out of office")
    list_display = [
        "start_date",
        "end_date",
        Column("times", label=_("Times"), accessor=out_of_office_times),
        Column("host", label=_("Host"), accessor=out_of_office_host),
        "reason",
        StatusTagColumn(
            "is_enabled",
            label=_("Status"),
            accessor=out_of_office_status,
            primary=lambda entry: entry.is_enabled,
        ),
    ]
    filterset_class = OutOfOfficeFilterSet
    search_fields = ["reason"]

    edit_handler = ObjectList(
        [
            FieldPanel("host"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldRowPanel(
                [FieldPanel("start_time"), FieldPanel("end_time")],
                help_text=_("Leave both times empty to block whole days."),
            ),
            FieldPanel("reason"),
            FieldPanel("is_enabled"),
        ],
        base_form_class=OutOfOfficeAdminForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("host")


# == Meeting types ==


class MeetingTypeViewSet(OwnedSnippetViewSet):
    model = MeetingType
    icon = "calendar-alt"
    menu_label = _("Meeting types")
    list_display = [
        "name",
        "slug",
        "assignment",
        Column("host_count", label=_("Hosts"), sort_key="host_count"),
        Column("durations", label=_("Lengths"), accessor=lambda m: durations_label(m.durations)),
        BooleanColumn("is_active", label=_("Active")),
    ]
    list_filter = ["assignment", "is_active"]
    search_fields = ["name", "slug"]

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldPanel("description"),
                    FieldPanel("is_active"),
                ],
                heading=_("Meeting type"),
                icon="calendar-alt",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("hosts", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("assignment"),
                ],
                heading=_("Hosts and assignment"),
                icon="group",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("durations"),
                    FieldRowPanel(
                        [FieldPanel("default_duration"), FieldPanel("slot_interval_minutes")]
                    ),
                ],
                heading=_("Meeting lengths"),
                icon="time",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("minimum_notice_minutes"),
                            FieldPanel("booking_horizon_days"),
                            FieldPanel("minimum_change_notice_minutes"),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("max_bookings_per_host_per_day"),
                            FieldPanel("max_bookings_per_host_per_week"),
                        ]
                    ),
                ],
                heading=_("Notice, horizon, change cutoff and caps"),
                icon="date",
            ),
            FieldPanel(
                "questions",
                heading=_("Booking questions"),
                help_text=_(
                    "Asked after the time is picked, in this order (drag to reorder); name "
                    "and email are always asked. The key names the answer in the API and "
                    "exports, and prefills it from the booking page's URL (?company=Acme)."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("reminder_minutes"),
                    FieldPanel("remind_hosts"),
                ],
                heading=_("Reminders"),
                icon="mail",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("zoom_enabled"),
                    FieldRowPanel([FieldPanel("zoom_passcode"), FieldPanel("zoom_waiting_room")]),
                    FieldRowPanel(
                        [FieldPanel("zoom_join_before_host"), FieldPanel("zoom_mute_upon_entry")]
                    ),
                    FieldPanel("zoom_auto_recording"),
                ],
                heading=_("Zoom"),
                icon="link",
            ),
        ],
        base_form_class=MeetingTypeAdminForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).annotate(host_count=Count("hosts"))
