"""The "Bookings" panel of the Wagtail dashboard.

Today is the admin's own day (their timezone in Wagtail); each time is shown on the
host's clock with the zone, as in the listing. Four queries, however many bookings.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from ..models.bookings import BookingStatus
from ..models.meetings import MeetingState
from .permissions import visible_bookings
from .views import ROW_RELATIONS
from .viewsets import BookingViewSet

TODAY_LIMIT = 10
UPCOMING_LIMIT = 5
ATTENTION_LIMIT = 5
ATTENTION_STATES = (MeetingState.PENDING, MeetingState.FAILED)
"""Zoom meetings still owed a sync: waiting for a retry, or failed for good. Only those of
today and later are counted: an earlier meeting's trouble can no longer be fixed."""


def local_day_bounds(day):
    """[start, end) of ``day`` in the current timezone, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


class BookingsPanel(Component):
    name = "pmc_bookings"
    order = 150
    template_name = "wagtail_pmc_booking/booking_admin/panel.html"
    index_url_name = f"{BookingViewSet.name}:index"
    inspect_url_name = f"{BookingViewSet.name}:inspect"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        day_start, day_end = local_day_bounds(today)
        confirmed = Q(status=BookingStatus.CONFIRMED)
        wanted = {
            "today": confirmed & Q(start__gte=day_start, start__lt=day_end),
            "upcoming": confirmed & Q(start__gte=day_end),
            "attention": Q(meeting__state__in=ATTENTION_STATES, start__gte=day_start),
        }
        bookings = visible_bookings(self.user)
        counts = bookings.aggregate(
            **{name: Count("pk", filter=condition) for name, condition in wanted.items()}
        )
        rows = bookings.select_related(*ROW_RELATIONS).order_by("start", "pk")
        index_url = reverse(self.index_url_name)
        day = today.isoformat()
        return {
            "counts": counts,
            "today": list(rows.filter(wanted["today"])[:TODAY_LIMIT]),
            "upcoming": list(rows.filter(wanted["upcoming"])[:UPCOMING_LIMIT]),
            "attention": list(rows.filter(wanted["attention"])[:ATTENTION_LIMIT]),
            "inspect_url_name": self.inspect_url_name,
            "today_url": index_url
            + "?"
            + urlencode({"status": BookingStatus.CONFIRMED, "start_from": day, "start_to": day}),
            "attention_url": index_url
            + "?"
            + urlencode({"zoom_state": ATTENTION_STATES, "start_from": day}, doseq=True),
            "index_url": index_url,
        }
