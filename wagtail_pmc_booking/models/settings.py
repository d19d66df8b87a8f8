"""Editorial Zoom defaults editors may change in the admin; credentials stay in settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

TOPIC_PLACEHOLDERS = ("meeting_type", "attendee", "host")


def format_topic(template, *, meeting_type, attendee, host):
    """Fill the topic template; an unknown placeholder falls back to the meeting type."""
    try:
        return template.format(meeting_type=meeting_type, attendee=attendee, host=host)
    except (KeyError, IndexError, ValueError):
        return str(meeting_type)


@register_setting(icon="calendar")
class ZoomDefaults(BaseGenericSetting):
    meeting_topic = models.CharField(
        _("meeting topic"),
        max_length=200,
        default="{meeting_type} with {attendee}",
        help_text=_("Placeholders: {meeting_type}, {attendee}, {host}."),
    )
    passcode = models.BooleanField(
        _("passcode for new meeting types"),
        default=True,
    )
    waiting_room = models.BooleanField(
        _("waiting room for new meeting types"),
        default=True,
    )

    class Meta:
        verbose_name = _("Zoom meeting defaults")

    def topic_for(self, booking):
        return format_topic(
            self.meeting_topic,
            meeting_type=booking.meeting_type.name,
            attendee=booking.attendee_name,
            host=booking.host.name,
        )
