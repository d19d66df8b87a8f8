"""Filters of the host and out-of-office listings; choices follow the user's rights."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.permissions import policy_registry

from ..models import Host, OutOfOffice


def timezones_in_use() -> list[tuple[str, str]]:
    """Only the zones some host uses: the full IANA list would be a wall of choices."""
    zones = Host.objects.order_by("timezone").values_list("timezone", flat=True).distinct()
    return [(zone, zone) for zone in zones]


class HostFilterSet(WagtailFilterSet):
    timezone = django_filters.ChoiceFilter(label=_("Timezone"), choices=timezones_in_use)

    class Meta:
        model = Host
        fields = ["is_active", "timezone"]


def hosts_for_filter(request: HttpRequest) -> QuerySet[Any]:
    """An owner filters among their own hosts: other hosts' names are not offered."""
    return policy_registry.get_by_type(Host).instances_user_has_any_permission_for(
        request.user, ["change"]
    )


UPCOMING, PAST, EVERY = "upcoming", "past", "all"


class OutOfOfficeFilterSet(WagtailFilterSet):
    """Upcoming entries unless asked otherwise: last spring's holidays are history."""

    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[(UPCOMING, _("Upcoming")), (PAST, _("Past")), (EVERY, _("All"))],
        method="filter_when",
        empty_label=None,
        widget=forms.RadioSelect,
    )
    host = django_filters.ModelChoiceFilter(
        label=_("Host"), queryset=hosts_for_filter, null_label=_("Every host")
    )

    class Meta:
        model = OutOfOffice
        fields = ["when", "host", "is_enabled"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("when"):
            data = data.copy()
            data["when"] = UPCOMING
        super().__init__(data, *args, **kwargs)

    def filter_when(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        today = timezone.localdate()
        if value == UPCOMING:
            return queryset.filter(end_date__gte=today)
        if value == PAST:
            return queryset.filter(end_date__lt=today).order_by("-start_date", "-start_time")
        return queryset
