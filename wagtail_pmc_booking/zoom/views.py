"""Admin for the Zoom lifecycle: meetings that need attention, "resync now", and a fresh
start link for staff.

The start link is fetched from Zoom when a staff member asks for it and handed straight
to their browser as a redirect: it is never stored, logged or put in a page.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from ..models import Booking, ZoomMeeting
from ..models.meetings import MeetingState
from .answers import resync_now
from .backends import get_client, start_link
from .backoff import credentials_rejected
from .errors import ZoomError
from .outcomes import Action
from .permissions import RESYNC, START, VIEW, meeting_policy

PER_PAGE = 50

# Listing filters: "attention" is what an admin must look at (owed, failed, or erroring).
FILTERS = {
    "attention": (
        gettext_lazy("Needs attention"),
        Q(state__in=[MeetingState.PENDING, MeetingState.FAILED]) | ~Q(last_error=""),
    ),
    "skipped": (gettext_lazy("Skipped"), Q(state=MeetingState.SKIPPED)),
    "synced": (gettext_lazy("Synced"), Q(state=MeetingState.SYNCED)),
    "all": (gettext_lazy("All"), Q()),
}


def refused(request: HttpRequest) -> HttpResponseBase:
    """Wagtail's answer to a user the policy refuses (a message and the dashboard)."""
    response: HttpResponseBase = permission_denied(request)
    return response


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@method_decorator(require_admin_access, name="dispatch")
class MeetingsIndexView(WagtailAdminTemplateMixin, TemplateView):  # type: ignore[misc]
    """Zoom meetings by state, soonest booking first, with their last errors."""

    template_name = "wagtail_pmc_booking/zoom/index.html"
    page_title = gettext_lazy("Zoom meetings")
    header_icon = "media"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not meeting_policy().user_has_any_permission(request.user, VIEW):
            return refused(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    @cached_property
    def current_filter(self) -> str:
        chosen = self.request.GET.get("state", "attention")
        return chosen if chosen in FILTERS else "attention"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = (
            ZoomMeeting.objects.filter(FILTERS[self.current_filter][1])
            .select_related("booking__host", "booking__meeting_type")
            .order_by("booking__start", "pk")
        )
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("p"))
        user, policy = self.request.user, meeting_policy()
        context.update(
            page=page,
            filters=[(key, label) for key, (label, _q) in FILTERS.items()],
            current_filter=self.current_filter,
            can_resync=policy.user_has_permission(user, RESYNC),
            can_start=policy.user_has_permission(user, START),
            sandbox_backend=get_client().is_sandbox,
            credentials_rejected=credentials_rejected(),
            here=self.request.get_full_path(),
        )
        return context


@require_admin_access  # type: ignore[untyped-decorator]
@require_POST
def resync(request: HttpRequest, booking_id: str) -> HttpResponseBase:
    """One attempt now, whatever the retry time; queued again if Zoom still fails."""
    if not meeting_policy().user_has_permission(request.user, RESYNC):
        return refused(request)
    booking = get_object_or_404(Booking, public_id=booking_id)
    outcome = resync_now(booking)
    if outcome.action == Action.FAILED:
        messages.error(
            request,
            _("Zoom meeting of %(booking)s: %(error)s")
            % {"booking": booking.public_id, "error": outcome.error},
        )
    elif outcome.action == Action.BUSY:
        messages.warning(
            request,
            _("The meeting of %(booking)s is being synced right now; it is queued again.")
            % {"booking": booking.public_id},
        )
    else:
        messages.success(
            request,
            _("Zoom meeting of %(booking)s: %(result)s.")
            % {"booking": booking.public_id, "result": outcome_label(outcome.action)},
        )
    return redirect(_back(request, reverse("pmc_zoom:index")))


def outcome_label(action: Action) -> str:
    return {
        Action.CREATED: _("created"),
        Action.UPDATED: _("updated"),
        Action.DELETED: _("deleted"),
        Action.SKIPPED: _("skipped"),
        Action.UNCHANGED: _("already in sync"),
    }.get(action, action)


@require_admin_access  # type: ignore[untyped-decorator]
@never_cache
def start_meeting(request: HttpRequest, booking_id: str) -> HttpResponseBase:
    """Redirect a staff member to a start link Zoom makes right now (it expires soon)."""
    if not meeting_policy().user_has_permission(request.user, START):
        return refused(request)
    record = (
        ZoomMeeting.objects.select_related("booking")
        .filter(
            booking__public_id=booking_id,
            state=MeetingState.SYNCED,
            zoom_meeting_id__isnull=False,
        )
        .first()
    )
    if record is None:
        raise Http404(_("This booking has no Zoom meeting."))
    try:
        start_url = start_link(record)
    except ZoomError as exc:
        messages.error(request, _("Zoom did not give a start link: %(error)s") % {"error": exc})
        return redirect(reverse("pmc_zoom:index"))
    response = HttpResponseRedirect(start_url)
    response["Referrer-Policy"] = "no-referrer"
    return response


class ZoomMenuItem(MenuItem):  # type: ignore[misc]
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(meeting_policy().user_has_any_permission(request.user, VIEW))


class ZoomMeetingsViewSet(ViewSet):  # type: ignore[misc]
    """Registered with ``register_admin_viewset``; may also join the "Bookings" group."""

    name = "pmc_zoom"
    url_prefix = "pmc-zoom"
    icon = "media"
    menu_label = gettext_lazy("Zoom meetings")
    add_to_admin_menu = True

    @cached_property
    def menu_item_class(self) -> type[ZoomMenuItem]:
        return ZoomMenuItem

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", MeetingsIndexView.as_view(), name="index"),
            path("<str:booking_id>/resync/", resync, name="resync"),
            path("<str:booking_id>/start/", start_meeting, name="start"),
        ]


zoom_meetings_viewset = ZoomMeetingsViewSet()
