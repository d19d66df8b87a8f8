"""Template tags of the attendee widget: what the server renders around the script.

The summary, the details form (the meeting type's questions, prefilled from the page URL)
and the "add to calendar" links are HTML from here, so the JavaScript only clones them.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import availability
from ..models import Host, MeetingType
from ..questions import EMAIL_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX
from ..widget import calendar_url_pattern

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


# Widgets rendered by one process get distinct id prefixes (two widgets on one page).
_ids = itertools.count(1)
# How a question kind is asked: the control and its input type.
CONTROLS = {
    "short_text": ("input", "text"),
    "email": ("input", "email"),
    "phone": ("input", "tel"),
    "long_text": ("textarea", ""),
    "select": ("select", ""),
    "checkbox": ("input", "checkbox"),
}


@dataclass
class Field:
    """One control of the details form; ``name`` is the API's field path of its value."""

    name: str
    label: str
    control: str
    type: str = ""
    required: bool = False
    help_text: str = ""
    value: Any = ""
    options: tuple[str, ...] = ()
    autocomplete: str = ""
    maxlength: int | None = None
    id: str = ""


@dataclass
class WidgetParts:
    meeting_type: MeetingType | None
    host: Host | None
    fields: list[Field]
    calendar: list[tuple[str, str, str]]


@register.simple_tag
def pmc_widget_parts(widget: dict[str, Any]) -> WidgetParts:
    """The summary's meeting type and host (None for a pool), the details form's fields
    and the calendar link patterns: ``{% pmc_widget_parts widget as parts %}``."""
    meeting_type = MeetingType.objects.filter(slug=widget["meetingType"]["slug"]).first()
    host = None
    if meeting_type is not None:
        hosts = meeting_type.hosts.filter(is_active=True).select_related("photo")
        if widget.get("host"):
            hosts = hosts.filter(slug=widget["host"])
        host = hosts.first() if len(hosts[:2]) == 1 else None
    return WidgetParts(meeting_type, host, details_fields(widget, meeting_type), calendar(widget))


def details_fields(widget: dict[str, Any], meeting_type: MeetingType | None) -> list[Field]:
    prefill = widget.get("prefill") or {}
    answers = prefill.get("answers") or {}
    prefix = f"pmc-f{next(_ids)}"
    fields = [
        Field(
            "attendee.name",
            _("Name"),
            "input",
            "text",
            True,
            value=prefill.get("name", ""),
            autocomplete="name",
            maxlength=200,
        ),
        Field(
            "attendee.email",
            _("Email"),
            "input",
            "email",
            True,
            value=prefill.get("email", ""),
            autocomplete="email",
            maxlength=EMAIL_MAX,
        ),
    ]
    for question in meeting_type.question_list if meeting_type else []:
        control, kind = CONTROLS[question.kind]
        fields.append(
            Field(
                f"answers.{question.key}",
                question.label,
                control,
                kind,
                question.required,
                question.help_text,
                answers.get(question.key, False if kind == "checkbox" else ""),
                question.options,
                maxlength=LONG_TEXT_MAX if control == "textarea" else SHORT_TEXT_MAX,
            )
        )
    fields.append(
        Field(
            "notes",
            _("Anything that helps us prepare? (optional)"),
            "textarea",
            maxlength=LONG_TEXT_MAX,
        )
    )
    for index, item in enumerate(fields):
        item.id = f"{prefix}-{index}"
    return fields


def calendar(widget: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(service, label, href with {token})``: Google, Outlook.com, Microsoft 365, .ics;
    the widget fills in the token once the booking is made."""
    links = []
    pattern = calendar_url_pattern()
    if pattern:
        services = {
            "google": _("Add to Google Calendar"),
            "outlook": _("Outlook.com"),
            "office365": _("Microsoft 365"),
        }
        links = [
            (service, label, pattern.replace("{service}", service))
            for service, label in services.items()
        ]
    if widget.get("inviteUrl"):
        links.append(("ics", _("Add to calendar (.ics)"), widget["inviteUrl"]))
    return links
