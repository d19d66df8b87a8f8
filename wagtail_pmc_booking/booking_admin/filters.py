"""Filters of the bookings listing; the CSV export follows whatever is filtered."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ..hosts_admin.permissions import owned_host_ids
from ..models import Booking, Host, MeetingType
from ..models.attendance import AttendanceStatus
from ..models.bookings import BookingStatus
from ..models.meetings import MeetingState
from .permissions import sees_every_booking

ATTENDANCE_CHOICES = [
    (AttendanceStatus.NO_SHOW, _("No-shows")),
    (AttendanceStatus.ATTENDED, _("Attended")),
    (AttendanceStatus.UNKNOWN, _("Not decided")),
]

NO_MEETING = "none"
"""``zoom_state`` value for bookings without a Zoom meeting record."""


def hosts_for_filter(request):
    """Site admins choose among all hosts, an owner among their own."""
    if sees_every_booking(request.user):
        return Host.objects.all()
    return Host.objects.filter(pk__in=owned_host_ids(request.user))


def meeting_types_for_filter(request):
    if sees_every_booking(request.user):
        return MeetingType.objects.all()
    return MeetingType.objects.filter(hosts__in=owned_host_ids(request.user)).distinct()


class BookingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=BookingStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    host = django_filters.ModelChoiceFilter(
        label=_("Host"),
        queryset=hosts_for_filter,
        method="filter_host",
        help_text=_("Bookings the host leads or co-hosts."),
    )
    meeting_type = django_filters.ModelChoiceFilter(
        label=_("Meeting type"), queryset=meeting_types_for_filter
    )
    start = django_filters.DateFromToRangeFilter(
        label=_("Starts between"),
        widget=DateRangePickerWidget,
        help_text=_("Dates in your own timezone; both ends included."),
    )
    zoom_state = django_filters.MultipleChoiceFilter(
        label=_("Zoom meeting"),
        choices=[*MeetingState.choices, (NO_MEETING, _("No meeting yet"))],
        method="filter_zoom_state",
        widget=forms.CheckboxSelectMultiple,
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attendance"),
        choices=ATTENDANCE_CHOICES,
        empty_label=_("All"),
        method="filter_attendance",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Booking
        fields = ["status", "host", "meeting_type", "start", "zoom_state", "attendance"]

    def filter_host(self, queryset, name, value):
        co_hosted = Booking.co_hosts.through.objects.filter(host=value).values("booking_id")
        return queryset.filter(Q(host=value) | Q(pk__in=co_hosted))

    def filter_zoom_state(self, queryset, name, value):
        condition = Q(meeting__state__in=[state for state in value if state != NO_MEETING])
        if NO_MEETING in value:
            condition |= Q(meeting__isnull=True)
        return queryset.filter(condition)

    def filter_attendance(self, queryset, name, value):
        if value == AttendanceStatus.UNKNOWN:
            return queryset.filter(Q(attendance__isnull=True) | Q(attendance__status=value))
        return queryset.filter(attendance__status=value)
