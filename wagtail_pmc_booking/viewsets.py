"""The "Bookings" admin menu: snippet viewsets for hosts, out-of-office and meeting types."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .api.viewsets import ApiKeyViewSet
from .booking_admin.viewsets import BookingViewSet
from .forms import HostAdminForm, MeetingTypeAdminForm, OutOfOfficeAdminForm, TimezoneInput
from .models import Host, MeetingType, OutOfOffice

ADMIN_ONLY = "wagtail_pmc_booking.change_host"
"""Host fields an owner may not change: only users who may change any host see them."""


# == Row-level permission checks ==


class InstancePermissionMixin:
    """Wagtail's generic views check model-wide rights; owners also need a per-row check."""

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        action = self.permission_required or "change"
        if instance is not None and not self.user_has_permission_for_instance(action, instance):
            raise PermissionDenied
        return instance


class EditView(InstancePermissionMixin, snippet_views.EditView):
    pass


class DeleteView(InstancePermissionMixin, snippet_views.DeleteView):
    pass


class HistoryView(InstancePermissionMixin, snippet_views.HistoryView):
    pass


class UsageView(InstancePermissionMixin, snippet_views.UsageView):
    pass


class OwnedSnippetViewSet(SnippetViewSet):
    """A snippet whose listing and object views follow the model's row-level policy."""

    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView

    def get_queryset(self, request):
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(
            request.user, ["change", "delete", "view"]
        )


# == Listing cells ==


def durations_label(durations):
    if not durations:
        return ""
    return gettext("%(lengths)s min") % {"lengths": ", ".join(str(d) for d in durations)}


def time_range_label(start, end):
    return f"{start:%H:%M}–{end:%H:%M}"


def weekly_summary(host):
    """E.g. "Mon 09:00–12:30, 14:00–18:00 · Tue 10:00–13:00"; uses the prefetched rows."""
    by_day = {}
    for window in sorted(host.availability_windows.all(), key=lambda w: (w.weekday, w.start_time)):
        by_day.setdefault(window.weekday, []).append(
            time_range_label(window.start_time, window.end_time)
        )
    if not by_day:
        return gettext("Unavailable")
    return " · ".join(f"{WEEKDAYS_ABBR[day]} {', '.join(ranges)}" for day, ranges in by_day.items())


def out_of_office_host(entry):
    return entry.host.name if entry.host_id else gettext("All hosts")


def out_of_office_times(entry):
    if entry.is_whole_day:
        return gettext("Whole day")
    return time_range_label(entry.start_time, entry.end_time)


# == Hosts ==


def timezones_in_use():
    zones = Host.objects.order_by("timezone").values_list("timezone", flat=True).distinct()
    return [(zone, zone) for zone in zones]


class HostFilterSet(WagtailFilterSet):
    timezone = django_filters.ChoiceFilter(label=_("Timezone"), choices=timezones_in_use)

    class Meta:
        model = Host
        fields = ["is_active", "timezone"]


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
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldRowPanel(
                        [FieldPanel("email"), FieldPanel("zoom_user", permission=ADMIN_ONLY)]
                    ),
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
            InlinePanel(
                "availability_windows",
                heading=_("Day-wise availability"),
                label=_("Availability window"),
                help_text=_(
                    "Wall-clock times in the host's timezone; a day without windows is unavailable."
                ),
                panels=[
                    FieldRowPanel(
                        [FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")]
                    )
                ],
            ),
            MultiFieldPanel(
                [
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
                    FieldPanel("timezone", widget=TimezoneInput),
                ],
                heading=_("Meeting time preferences"),
                icon="time",
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
        ],
        base_form_class=HostAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("availability_windows")


# == Out of office ==


def hosts_for_filter(request):
    return policy_registry.get_by_type(Host).instances_user_has_any_permission_for(
        request.user, ["change"]
    )


class OutOfOfficeFilterSet(WagtailFilterSet):
    host = django_filters.ModelChoiceFilter(
        label=_("Host"), queryset=hosts_for_filter, null_label=_("All hosts")
    )

    class Meta:
        model = OutOfOffice
        fields = ["host", "is_enabled"]


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
        BooleanColumn("is_enabled", label=_("Enabled")),
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host")


# == Meeting types ==


class MeetingTypeViewSet(SnippetViewSet):
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
                            FieldPanel("max_bookings_per_host_per_day"),
                        ]
                    )
                ],
                heading=_("Notice, horizon and daily cap"),
                icon="date",
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

    def get_queryset(self, request):
        return MeetingType.objects.annotate(host_count=Count("hosts"))


# == The menu group ==


class BookingsGroup(SnippetViewSetGroup):
    """Everything of the app under one "Bookings" menu; later features append to ``items``."""

    menu_label = _("Bookings")
    menu_icon = "calendar"
    menu_name = "bookings"
    items = [BookingViewSet, MeetingTypeViewSet, HostViewSet, OutOfOfficeViewSet, ApiKeyViewSet]
