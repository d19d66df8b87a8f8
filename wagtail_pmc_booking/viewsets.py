"""The "Bookings" admin menu: snippet viewsets for hosts, out-of-office and meeting types."""

from collections.abc import Callable
from functools import wraps

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.text import capfirst
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
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .api.viewsets import ApiKeyViewSet
from .booking_admin.viewsets import BookingViewSet
from .forms import HostAdminForm, MeetingTypeAdminForm, OutOfOfficeAdminForm, TimezoneInput
from .models import Host, MeetingType, OutOfOffice

ADMIN_ONLY = "wagtail_pmc_booking.change_host"
"""Host fields an owner may not change: only users who may change any host edit them."""

LISTED = ["change", "delete", "view"]
"""Rights on a row that let a user list and open it."""


# == Row-level permission checks ==


def row_exists(queryset: QuerySet, pk: str) -> bool:
    try:
        return queryset.filter(pk=unquote(str(pk))).exists()
    except (ValueError, ValidationError):  # not a key of this model at all
        return False


def guard_rows(
    patterns: list[URLPattern], rows: Callable[[HttpRequest], QuerySet]
) -> list[URLPattern]:
    """Refuse every URL naming a row (``pk``) outside ``rows(request)``.

    Applied to all the URLs a viewset mounts, so a view Wagtail adds later (copy,
    history results, …) cannot reach another host's rows either.
    """
    for pattern in patterns:
        pattern.callback = _guarded(pattern.callback, rows)
    return patterns


def _guarded(view: Callable, rows: Callable[[HttpRequest], QuerySet]) -> Callable:
    @wraps(view)
    def guarded_view(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not row_exists(rows(request), pk):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded_view


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


def choosable_rows(model, request: HttpRequest) -> QuerySet:
    """The rows the model's policy lets the user pick in a snippet chooser."""
    return policy_registry.get_by_type(model).instances_user_may_choose(request.user)


class ChoosableRowsMixin:
    """Chooser views list and return only the choosable rows."""

    def get_object_list(self):
        return choosable_rows(self.model_class, self.request)

    def get_objects(self, pks):
        return self.get_object_list().filter(pk__in=pks)


class ChooseView(ChoosableRowsMixin, chooser_views.ChooseView):
    pass


class ChooseResultsView(ChoosableRowsMixin, chooser_views.ChooseResultsView):
    pass


class ChosenMultipleView(ChoosableRowsMixin, chooser_views.SnippetChosenMultipleView):
    pass


class PolicyChooserViewSet(chooser_views.SnippetChooserViewSet):
    """The snippet chooser under the model's policy; ``chosen/<pk>/`` is row-guarded."""

    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_multiple_view_class = ChosenMultipleView

    def get_urlpatterns(self):
        # No creation form is configured: Wagtail's "create" URL would only fail.
        patterns = [p for p in super().get_urlpatterns() if p.name != "create"]
        return guard_rows(patterns, lambda request: choosable_rows(self.model, request))


class OwnedSnippetViewSet(SnippetViewSet):
    """A snippet whose listing, object views and chooser follow the model's policy."""

    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    chooser_viewset_class = PolicyChooserViewSet

    def get_queryset(self, request):
        policy = policy_registry.get_by_type(self.model)
        return policy.instances_user_has_any_permission_for(request.user, LISTED)

    def get_urlpatterns(self):
        return guard_rows(super().get_urlpatterns(), self.get_queryset)


# == Admin-only host fields ==


class AdminOnlyFieldPanel(FieldPanel):
    """Edited by site admins; a host's owner sees the value read-only.

    ``permission`` leaves the field out of the owner's form, so a value they post
    anyway is ignored: the server, not the page, keeps it unchanged.
    """

    def __init__(self, field_name: str, **kwargs) -> None:
        super().__init__(field_name, permission=ADMIN_ONLY, **kwargs)

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        del kwargs["permission"]
        return kwargs

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            if self.form is not None and self.bound_field is None:
                self.read_only = True
                self.heading = self.panel.heading or capfirst(self.panel.db_field.verbose_name)
                self.help_text = self.panel.help_text or capfirst(self.panel.db_field.help_text)

        def is_shown(self):
            return self.read_only or super().is_shown()


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
        return super().get_queryset(request).annotate(host_count=Count("hosts"))


# == The menu group ==


class BookingsGroup(SnippetViewSetGroup):
    """Everything of the app under one "Bookings" menu; later features append to ``items``."""

    menu_label = _("Bookings")
    menu_icon = "calendar"
    menu_name = "bookings"
    items = [BookingViewSet, MeetingTypeViewSet, HostViewSet, OutOfOfficeViewSet, ApiKeyViewSet]
