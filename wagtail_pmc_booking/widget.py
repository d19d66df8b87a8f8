"""What the attendee widget needs to start: one JSON config shared by page, block and embed."""

from django.urls import NoReverseMatch, reverse

from .conf import booking_settings


def api_base_url():
    """The API mount point, found from its OpenAPI document's URL."""
    try:
        return reverse("pmc_booking_api:openapi-json").removesuffix("openapi.json")
    except NoReverseMatch:
        return booking_settings.API_BASE_PATH


def invite_url_pattern():
    """The invite download's path with ``{token}`` for the widget to fill in, or None."""
    try:
        return reverse("wagtail_pmc_booking:manage_invite", args=["TOKEN"]).replace(
            "TOKEN", "{token}"
        )
    except NoReverseMatch:
        return None


def widget_config(meeting_type, *, host=None, mode="book", booking=None, manage_token=None):
    """Plain data for ``json_script``; nothing secret beyond the attendee's own token."""
    config = {
        "mode": mode,
        "apiBase": api_base_url(),
        "meetingType": {
            "slug": meeting_type.slug,
            "name": meeting_type.name,
            "durations": list(meeting_type.durations or []),
            "defaultDuration": meeting_type.default_duration,
        },
        "host": host.slug if host else None,
        "inviteUrl": invite_url_pattern(),
    }
    if booking is not None:
        config["booking"] = {
            "bookingId": booking.public_id,
            "start": booking.start.isoformat().replace("+00:00", "Z"),
            "end": booking.end.isoformat().replace("+00:00", "Z"),
            "duration": booking.duration_minutes,
            "timezone": booking.attendee_timezone,
            "hostName": booking.host.name,
        }
        config["token"] = manage_token
    return config
