"""The widget for pages outside Wagtail: ``embed.js`` loads this view in an iframe.

Framing is the point here, so the view opts out of ``X-Frame-Options`` and names the
sites allowed to frame it in ``Content-Security-Policy: frame-ancestors``.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from .conf import booking_settings
from .models import MeetingType
from .widget import widget_config

TEMPLATE = "wagtail_pmc_booking/widget/embed_frame.html"


def frame_ancestors():
    return booking_settings.EMBED_FRAME_ANCESTORS or "*"


@require_GET
@xframe_options_exempt
def embed_frame(request, slug):
    """The attendee widget for one meeting type (``?host=<slug>`` for one host only)."""
    meeting_type = get_object_or_404(MeetingType, slug=slug, is_active=True)
    host = None
    if request.GET.get("host"):
        host = meeting_type.hosts.filter(slug=request.GET["host"], is_active=True).first()
        if host is None:
            raise Http404
    widget = widget_config(meeting_type, host=host, request=request)
    with translation.override(widget["language"]):
        response = render(request, TEMPLATE, {"widget": widget, "meeting_type": meeting_type})
    response["Content-Security-Policy"] = f"frame-ancestors {frame_ancestors()}"
    return response
