"""Host calendars in the host editor: the inline form, the status panel, "Sync now".

The form asks the calendar itself on save (``sync.check_connection``), so a wrong address
or password is a form error then, not a silent failure at the next periodic read.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, Panel
from wagtail.permissions import policy_registry

from ..models import Host, HostCalendar
from ..models.calendars import CalendarKind
from ..outbound import UnsafeURL, check_url
from . import sync
from .fetch import feed_url

CONNECTION_FIELDS = ("kind", "url", "username", "password")
"""A change to any of these makes the form ask the calendar again before saving."""

SYNC_URL_NAME = "wagtail_pmc_booking_calendar_sync"


class CalendarAddressField(forms.URLField):
    """A URL field that takes the ``webcal://`` links Apple and Google hand out as https."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(feed_url(str(value or "").strip())))


class HostCalendarForm(WagtailAdminModelForm):  # type: ignore[misc]
    """One calendar row: the stored password is kept when the box is left empty."""

    url = CalendarAddressField(
        label=_("Address"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("The CalDAV calendar's address, or the ICS feed's (webcal:// works too)."),
    )

    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted; never shown again. Leave empty to keep the current one."),
    )

    class Meta:
        model = HostCalendar
        fields = [*CONNECTION_FIELDS, "name", "check_conflicts", "write_bookings"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data.get("password") or ""
        if not password and self.instance.pk is not None:
            return str(self.instance.password or "")
        return password

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(gettext("Only http:// and https:// addresses are read."))
        try:
            check_url(url)
        except UnsafeURL as error:
            raise forms.ValidationError(str(error)) from error
        return url

    def clean(self) -> dict[str, Any]:
        cleaned_data: dict[str, Any] = super().clean()
        if cleaned_data.get("write_bookings") and cleaned_data.get("kind") != CalendarKind.CALDAV:
            self.add_error(
                "write_bookings", gettext("Bookings can be added to CalDAV calendars only.")
            )
        return cleaned_data

    def _connection_changed(self) -> bool:
        if self.instance.pk is None:
            return True
        changed = set(self.changed_data)
        if self.cleaned_data.get("password") == self.instance.password:
            changed.discard("password")
        return bool(changed.intersection(CONNECTION_FIELDS))

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or self.cleaned_data.get("DELETE") or not self._connection_changed():
            return
        answer = sync.check_connection(self.instance)
        if answer:
            self.add_error(None, gettext("The calendar answered: %(answer)s") % {"answer": answer})


class CalendarsInlinePanel(InlinePanel):  # type: ignore[misc]
    """The host's calendars, each row edited through ``HostCalendarForm``."""

    def get_form_options(self) -> dict[str, Any]:
        options: dict[str, Any] = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = HostCalendarForm
        return options


class CalendarStatusPanel(Panel):  # type: ignore[misc]
    """Saved calendars with their last read and error, each with a "Sync now" button.

    The button posts the host form to the sync view (``formaction``): a form may not
    hold another form, and the host form already carries the CSRF token.
    """

    class BoundPanel(Panel.BoundPanel):  # type: ignore[misc]
        template_name = "wagtail_pmc_booking/calendars/status_panel.html"

        def is_shown(self) -> bool:
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            context["calendars"] = [
                (calendar, reverse(SYNC_URL_NAME, args=[calendar.pk]))
                for calendar in HostCalendar.objects.filter(host=self.instance).order_by("pk")
            ]
            return context


def calendar_panels() -> list[Panel]:
    """The host editor's calendar panels: the inline rows and their sync status."""
    return [
        CalendarsInlinePanel(
            "calendars",
            heading=_("Calendars"),
            label=_("Calendar"),
            help_text=_(
                "Busy times of these calendars hide the host's slots; only start and end "
                "times are read, never titles or attendees."
            ),
            panels=[
                FieldPanel("name"),
                FieldPanel("kind"),
                FieldPanel("url"),
                FieldRowPanel([FieldPanel("username"), FieldPanel("password")]),
                FieldRowPanel([FieldPanel("check_conflicts"), FieldPanel("write_bookings")]),
            ],
        ),
        CalendarStatusPanel(heading=_("Calendar sync")),
    ]


def user_may_sync(user: Any, host: Host) -> bool:
    """Site admins sync any host's calendars, an owner their own host's."""
    policy = policy_registry.get_by_type(Host)
    return bool(policy.user_has_permission_for_instance(user, "change", host))


def host_edit_url(host: Host) -> str:
    return reverse(Host.snippet_viewset.get_url_name("edit"), args=[quote(host.pk)])


@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Read one calendar now and go back to its host, with what the read found."""
    calendar = get_object_or_404(HostCalendar.objects.select_related("host"), pk=pk)
    if not user_may_sync(request.user, calendar.host):
        raise Http404  # another host's calendar: not even whether it exists
    report = sync.sync_calendar(calendar)
    if report.error:
        messages.error(
            request,
            gettext("%(name)s could not be read: %(error)s")
            % {"name": calendar.name, "error": report.error},
        )
    else:
        messages.success(
            request,
            gettext("%(name)s: read %(events)d events, %(busy)d busy times")
            % {"name": calendar.name, "events": report.events_read, "busy": report.busy_stored},
        )
    return HttpResponseRedirect(host_edit_url(calendar.host))


def calendars_needing_attention(user: Any) -> list[HostCalendar]:
    """Calendars whose last read failed, of the hosts ``user`` may change."""
    policy = policy_registry.get_by_type(Host)
    hosts = policy.instances_user_has_any_permission_for(user, ["change"])
    return list(
        HostCalendar.objects.filter(host__in=hosts)
        .exclude(last_error="")
        .select_related("host")
        .order_by("host__name", "name")
    )
