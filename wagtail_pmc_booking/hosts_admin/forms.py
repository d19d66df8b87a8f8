"""Admin forms of hosts, meeting types and out-of-office: the checks that span several
fields or several inline rows, which no single model field can make."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .. import languages
from ..fields import duration_choices
from ..models import Host, ZoomDefaults
from ..models.hosts import Weekday
from ..models.meeting_types import Assignment
from ..validators import available_timezones
from .permissions import out_of_office_permission_policy


class TimezoneSelect(forms.Select):
    """Every IANA zone; in the browser each is named as the booking widget names it
    ("Asia/Kolkata — India Standard Time, GMT+05:30") and a search box narrows the list."""

    template_name = "wagtail_pmc_booking/admin/widgets/timezone_select.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 8, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        zones = sorted(available_timezones())
        if value and value not in zones:  # a stored zone since withdrawn: shown, then refused
            zones.insert(0, value)
        self.choices = [(zone, zone) for zone in zones]
        return super().get_context(name, value, attrs)


class LanguageSelect(forms.Select):
    """The site's languages, named in their own language, after "the site's default"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("Site default")), *languages.choices()]


def _span(form: forms.Form) -> tuple[Any, Any]:
    return form.cleaned_data["start_time"], form.cleaned_data["end_time"]


def _span_label(form: forms.Form) -> str:
    start, end = _span(form)
    return f"{start:%H:%M}–{end:%H:%M}"


class HostAdminForm(WagtailAdminModelForm):
    """Rejects overlapping availability windows on one weekday, and overlapping date
    overrides on one date, across the inline rows.

    The photo may be any image the editor may choose (Wagtail's image permissions), as
    the chooser offers; the one already set stays valid.
    """

    windows_formset = "availability_windows"
    overrides_formset = "date_overrides"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        photo = self.fields.get("photo")
        if photo is not None and self.for_user is not None:
            choosable = policy_registry.get_by_type(get_image_model())
            images = choosable.instances_user_has_any_permission_for(self.for_user, ["choose"])
            if self.instance.photo_id is not None:
                images = images | get_image_model().objects.filter(pk=self.instance.photo_id)
            photo.queryset = images.distinct()

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        self._check_no_overlap(self.windows_formset, "weekday", lambda day: Weekday(day).label)
        self._check_no_overlap(self.overrides_formset, "date", date_format)
        return cleaned_data

    def _live_forms(self, formset_name: str, key: str) -> list[forms.Form]:
        """Valid rows that will be kept: deleted and empty rows do not count."""
        formset = self.formsets.get(formset_name)
        if formset is None:
            return []
        rows = []
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if None in (data.get(key), data.get("start_time"), data.get("end_time")):
                continue
            rows.append(form)
        return rows

    def _check_no_overlap(self, formset_name: str, key: str, label: Callable[[Any], str]) -> None:
        """Windows sharing a weekday (or overrides sharing a date) may not overlap."""
        by_key: defaultdict[Any, list[forms.Form]] = defaultdict(list)
        for form in self._live_forms(formset_name, key):
            by_key[form.cleaned_data[key]].append(form)
        for value, forms_of_key in sorted(by_key.items()):
            forms_of_key.sort(key=_span)
            latest = forms_of_key[0]
            for form in forms_of_key[1:]:
                start, end = _span(form)
                if start < _span(latest)[1]:
                    self._report_overlap(label(value), latest, form)
                if end > _span(latest)[1]:
                    latest = form

    def _report_overlap(self, day: str, earlier: forms.Form, later: forms.Form) -> None:
        message = gettext("%(day)s: %(first)s overlaps %(second)s.") % {
            "day": day,
            "first": _span_label(earlier),
            "second": _span_label(later),
        }
        later.add_error(None, message)
        self.add_error(None, message)


class MeetingTypeAdminForm(WagtailAdminModelForm):
    """Offers the default length as a choice and keeps "fixed" to exactly one host."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            defaults = ZoomDefaults.load()
            self.initial["zoom_passcode"] = defaults.passcode
            self.initial["zoom_waiting_room"] = defaults.waiting_room
        if "default_duration" in self.fields:
            choices = duration_choices()
            current = self.initial.get("default_duration")
            if current is not None and current not in dict(choices):
                # Keep a stored value that is no longer offered visible instead of
                # silently replacing it with the first choice.
                choices.append((current, current))
            self.fields["default_duration"].widget = forms.Select(choices=choices)

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        hosts = cleaned_data.get("hosts")
        if cleaned_data.get("assignment") == Assignment.FIXED and hosts is not None:
            if len(hosts) != 1:
                self.add_error(
                    "hosts", gettext("A fixed-host meeting type needs exactly one host.")
                )
        return cleaned_data


class OutOfOfficeAdminForm(WagtailAdminModelForm):
    """A host owner may only file periods for their own host, never company-wide ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        host_field = self.fields.get("host")
        if user is None or host_field is None:
            return
        if not out_of_office_permission_policy.user_manages_all(user, "change"):
            host_field.queryset = Host.objects.filter(user=user)
            host_field.required = True
            host_field.empty_label = None
            host_field.help_text = _("The host this period applies to.")
