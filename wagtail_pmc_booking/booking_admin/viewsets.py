"""``BookingViewSet``: the "Bookings" entry of the Bookings menu group.

Bookings are listed, filtered, exported, inspected and cancelled here; they are never
created, edited or deleted through a generic form (only ``booking.py`` writes them), so
the viewset mounts no such views.
"""

from django.contrib.auth import get_permission_codename
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import Booking
from . import display, views
from .filters import BookingFilterSet

OFFERED_PERMISSIONS = ("view", "change")
"""What a site admin can grant: "view" to look, "change" to cancel."""


class AttendeeColumn(Column):
    cell_template_name = "wagtail_pmc_booking/booking_admin/attendee_cell.html"


class HostTimeColumn(Column):
    """A time on the host's clock with the zone's name; UTC on hover."""

    cell_template_name = "wagtail_pmc_booking/booking_admin/host_time_cell.html"


class BookingViewSet(ModelViewSet):
    model = Booking
    name = "pmc_bookings"
    url_prefix = "pmc-bookings"
    icon = "calendar-check"
    menu_label = _("Bookings")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = views.IndexView
    inspect_view_class = views.InspectView
    cancel_view_class = views.CancelView
    attendance_view_class = views.AttendanceView
    reassign_view_class = views.ReassignView
    inspect_template_name = "wagtail_pmc_booking/booking_admin/inspect.html"
    list_per_page = 50

    list_display = [
        "public_id",
        AttendeeColumn("attendee", label=_("Attendee"), sort_key="attendee_name"),
        Column(
            "meeting_type",
            label=_("Meeting type"),
            accessor="meeting_type.name",
            sort_key="meeting_type__name",
        ),
        Column("host", label=_("Host"), accessor="host.name", sort_key="host__name"),
        HostTimeColumn("start", label=_("Start (host's time)"), sort_key="start"),
        Column(
            "duration",
            label=_("Length"),
            accessor=lambda booking: display.minutes_label(booking.duration_minutes),
            sort_key="duration_minutes",
        ),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor="get_status_display",
            primary=lambda booking: booking.is_confirmed,
            sort_key="status",
        ),
        Column(
            "zoom_state",
            label=_("Zoom"),
            accessor=display.zoom_state_label,
            sort_key="meeting__state",
        ),
        Column(
            "attendance",
            label=_("Attendance"),
            accessor=display.attendance_label,
            sort_key="attendance__status",
        ),
    ]
    filterset_class = BookingFilterSet
    # Booking is not in a Wagtail search index: search the database directly.
    search_backend_name = None
    search_fields = ["attendee_name", "attendee_email", "public_id"]

    list_export = [
        "public_id",
        "status",
        "meeting_type",
        "host",
        "start",
        "end",
        "duration_minutes",
        "attendee_name",
        "attendee_email",
        "attendee_timezone",
        "language",
        "zoom_state",
        "created_at",
        "attendance",
    ]
    export_headings = {
        "public_id": _("Booking id"),
        "start": _("Start (UTC)"),
        "end": _("End (UTC)"),
        "duration_minutes": _("Length (minutes)"),
        "language": _("Attendee language"),
        "zoom_state": _("Zoom state"),
        "attendance": _("Attendance"),
        "created_at": _("Created (UTC)"),
    }
    export_filename = "bookings"

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(cancel_url_name=self.get_url_name("cancel"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            cancel_url_name=self.get_url_name("cancel"),
            attendance_url_name=self.get_url_name("attendance"),
            reassign_url_name=self.get_url_name("reassign"),
            **kwargs,
        )

    @property
    def cancel_view(self):
        return self.construct_view(
            self.cancel_view_class,
            inspect_url_name=self.get_url_name("inspect"),
            action_url_name=self.get_url_name("cancel"),
        )

    @property
    def reassign_view(self):
        return self.construct_view(
            self.reassign_view_class,
            inspect_url_name=self.get_url_name("inspect"),
            action_url_name=self.get_url_name("reassign"),
        )

    @property
    def attendance_view(self):
        return self.construct_view(
            self.attendance_view_class, inspect_url_name=self.get_url_name("inspect")
        )

    @property
    def url_finder_class(self):
        """Links to a booking from elsewhere in the admin open its inspect page."""
        return type(
            "BookingAdminURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_permissions_to_register(self):
        codenames = [get_permission_codename(a, self.model_opts) for a in OFFERED_PERMISSIONS]
        return super().get_permissions_to_register().filter(codename__in=codenames)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("cancel/<int:pk>/", self.cancel_view, name="cancel"),
            path("attendance/<int:pk>/", self.attendance_view, name="attendance"),
            path("reassign/<int:pk>/", self.reassign_view, name="reassign"),
        ]
