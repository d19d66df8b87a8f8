"""Template tags of the attendee widget: server-side data for its ``<noscript>`` fallback."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from .. import availability
from ..models import Host, MeetingType

register = template.Library()


@dataclass
class NextSlots:
    timezone: str
    starts: list[datetime] = field(default_factory=list)


@register.simple_tag
def pmc_next_slots(widget: dict[str, Any], count: int = 5) -> NextSlots:
    """The next ``count`` bookable starts of the widget's meeting type (and host), in the
    zone the calendar defaults to: ``{% pmc_next_slots widget 5 as upcoming %}``."""
    meeting_type = MeetingType.objects.filter(
        slug=widget["meetingType"]["slug"], is_active=True
    ).first()
    if meeting_type is None:
        return NextSlots("UTC")
    host = Host.objects.filter(slug=widget["host"]).first() if widget.get("host") else None
    tz = host.timezone if host else availability.default_timezone(meeting_type)
    found = availability.next_slots(
        meeting_type,
        meeting_type.default_duration,
        after=timezone.now(),
        count=count,
        host_ids=[host.pk] if host else None,
    )
    return NextSlots(tz, [slot.start for slot in found])
