"""Template tags of the attendee widget: server-side data for its ``<noscript>`` fallback."""

from dataclasses import dataclass, field
from datetime import timedelta

from django import template
from django.utils import timezone

from .. import availability
from ..models import Host, MeetingType

register = template.Library()

# How far one look for free times reaches; the fallback only needs the first few.
LOOKAHEAD = timedelta(days=14)


@dataclass
class NextSlots:
    timezone: str
    starts: list = field(default_factory=list)


@register.simple_tag
def pmc_next_slots(widget, count=5):
    """The next ``count`` bookable starts of the widget's meeting type (and host), in the
    zone the calendar defaults to: ``{% pmc_next_slots widget 5 as upcoming %}``."""
    meeting_type = MeetingType.objects.filter(
        slug=widget["meetingType"]["slug"], is_active=True
    ).first()
    if meeting_type is None:
        return NextSlots("UTC")
    host = Host.objects.filter(slug=widget["host"]).first() if widget.get("host") else None
    tz = host.timezone if host else availability.default_timezone(meeting_type)
    now = timezone.now()
    horizon = now + timedelta(days=meeting_type.booking_horizon_days)
    found, start = [], now
    while start < horizon and len(found) < count:
        end = min(start + LOOKAHEAD, horizon)
        found += availability.find_slots(
            meeting_type,
            meeting_type.default_duration,
            range_start=start,
            range_end=end,
            host_ids=[host.pk] if host else None,
            now=now,
        )
        start = end
    return NextSlots(tz, [slot.start for slot in found[:count]])
