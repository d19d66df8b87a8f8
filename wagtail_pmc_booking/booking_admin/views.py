"""The bookings listing, the inspect page and the cancel action.

Rows are always narrowed by the booking permission policy first, so a host's owner
never lists, opens or cancels another host's booking. Cancelling goes through
``booking.cancel``, which writes the audit trail and sends the emails after commit;
setting attendance goes through ``zoom.attendance``, which writes its audit line.
"""

from datetime import datetime

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets.button import HeaderButton

from .. import booking as booking_service
from .. import questions
from ..exceptions import BookingCancelled, BookingError, add_to_form
from ..models import Attendance, Booking, Host, MeetingType
from ..models.attendance import AttendanceStatus
from ..questions import TRACKING_KEYS
from ..zoom import attendance as zoom_attendance
from ..zoom.permissions import RESYNC, START, meeting_policy
from . import display
from .permissions import VISIBLE, visible_bookings

ZOOM_ADMIN_NAMESPACE = "pmc_zoom"

EXPORT_VALUES = {
    "meeting_type": lambda booking: booking.meeting_type.name,
    "host": lambda booking: booking.host.name,
    "zoom_state": display.zoom_state_code,
    "language": display.language_label,
    "attendance": display.attendance_code,
}
"""Export columns that are not plain attributes of the booking."""

ANSWER_COLUMN = "answers."
OTHER_ANSWERS = "other_answers"
TRACKING_COLUMN = "tracking."
TRACKING_COLUMNS = [TRACKING_COLUMN + key for key in TRACKING_KEYS]
"""Export columns after the fixed ones: one per question key of the exported bookings'
meeting types (headed by the question), the answers to questions deleted since, and one
per tracking parameter."""

TYPED_TEXT = ("attendee_name", "attendee_email", "attendee_timezone", "meeting_type", "host")
"""Export columns people typed; the CSV makes them inert (Wagtail's XLSX already does)."""

ROW_RELATIONS = ("host", "meeting_type", "meeting", "attendance")
"""What a listing row shows, joined in: the listing costs the same queries for any size."""


def upcoming_first(queryset, now):
    """Running and future bookings soonest first, then past ones, latest first."""
    is_past = Case(When(end__lte=now, then=Value(1)), default=Value(0), output_field=IntegerField())
    upcoming_start = Case(When(end__gt=now, then=F("start")), output_field=DateTimeField())
    return queryset.order_by(is_past, upcoming_start.asc(nulls_last=True), F("start").desc(), "pk")


def zoom_admin_url(name, booking):
    """The Zoom meetings admin's ``resync`` or ``start`` view for ``booking``."""
    return reverse(f"{ZOOM_ADMIN_NAMESPACE}:{name}", args=[booking.public_id])


class IndexView(generic.IndexView):
    """The bookings the user may see, upcoming first; exports write times in UTC."""

    cancel_url_name = None

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime: {
            **SpreadsheetExportMixin.custom_value_preprocess[datetime],
            SpreadsheetExportMixin.FORMAT_CSV: display.utc_iso,
        },
    }
    custom_field_preprocess = {
        field: {SpreadsheetExportMixin.FORMAT_CSV: display.spreadsheet_text} for field in TYPED_TEXT
    }

    def get_base_queryset(self):
        return visible_bookings(self.request.user).select_related(*ROW_RELATIONS)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """The fixed columns, then the answers and tracking columns of these bookings."""
        meeting_types = MeetingType.objects.filter(
            pk__in=queryset.order_by().values("meeting_type_id")
        ).order_by("name", "pk")
        self.question_columns = display.export_questions(meeting_types)
        self.list_export = [
            *self.list_export,
            *(ANSWER_COLUMN + key for key in self.question_columns),
            OTHER_ANSWERS,
            *TRACKING_COLUMNS,
        ]
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_heading(self, queryset, field):
        if field.startswith(ANSWER_COLUMN):
            return self.question_columns[field.removeprefix(ANSWER_COLUMN)]
        if field == OTHER_ANSWERS:
            return gettext("Other answers")
        if field.startswith(TRACKING_COLUMN):
            return field.removeprefix(TRACKING_COLUMN)
        return super().get_heading(queryset, field)

    def get_preprocess_function(self, field, value, export_format):
        """Answers and tracking are text from outside: inert in the CSV, like names."""
        if export_format == self.FORMAT_CSV and field.startswith(
            (ANSWER_COLUMN, OTHER_ANSWERS, TRACKING_COLUMN)
        ):
            return display.spreadsheet_text
        return super().get_preprocess_function(field, value, export_format)

    def export_value(self, booking, field):
        if field in EXPORT_VALUES:
            return EXPORT_VALUES[field](booking)
        if field.startswith(ANSWER_COLUMN):
            answer = (booking.answers or {}).get(field.removeprefix(ANSWER_COLUMN))
            return "" if answer is None else questions.answer_text(answer)
        if field == OTHER_ANSWERS:
            return display.other_answers_text(booking, self.question_columns)
        if field.startswith(TRACKING_COLUMN):
            return (booking.tracking or {}).get(field.removeprefix(TRACKING_COLUMN), "")
        return getattr(booking, field)

    def order_queryset(self, queryset):
        if not self.ordering:
            return upcoming_first(queryset, timezone.now())
        return queryset.order_by(self.ordering, "pk")

    def to_row_dict(self, item):
        return {field: self.export_value(item, field) for field in self.list_export}

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # The rows are already those the user may see, and whoever may cancel one of them
        # may cancel them all (owners their own, admins any): no per-row permission query.
        if instance.is_confirmed and self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Cancel booking"),
                    url=reverse(self.cancel_url_name, args=[quote(instance.pk)]),
                    icon_name="cross",
                    priority=30,
                )
            )
        return buttons


class InspectView(generic.InspectView):
    """Everything about one booking: times in each party's zone, Zoom, the audit trail."""

    page_title = _("Booking")
    cancel_url_name = None
    attendance_url_name = None
    reassign_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            Booking.objects.select_related(*ROW_RELATIONS).prefetch_related("co_hosts"),
            pk=unquote(str(self.pk)),
        )

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_any_permission_for_instance(
            request.user, VISIBLE, self.object
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.public_id

    def get_fields_context(self):
        """None of the generic field list: the template lays out every field in sections
        and leaves the manage-token columns out."""
        return []

    @cached_property
    def cancel_url(self):
        booking = self.object
        if booking.is_confirmed and self.user_has_permission_for_instance("change", booking):
            return reverse(self.cancel_url_name, args=[quote(booking.pk)])
        return ""

    @cached_property
    def reassign_url(self):
        booking = self.object
        if booking.is_confirmed and self.permission_policy.user_manages_all(
            self.request.user, "change"
        ):
            return reverse(self.reassign_url_name, args=[quote(booking.pk)])
        return ""

    @cached_property
    def header_buttons(self):
        buttons = []
        if self.reassign_url:
            buttons.append(HeaderButton(_("Reassign…"), url=self.reassign_url, icon_name="user"))
        if self.cancel_url:
            buttons.append(
                HeaderButton(_("Cancel booking"), url=self.cancel_url, icon_name="cross")
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking, user = self.object, self.request.user
        meeting = display.meeting_of(booking)
        zoom_policy = meeting_policy()
        can_start_meeting = (
            zoom_policy.user_has_permission(user, START)
            and meeting is not None
            and meeting.state == "synced"
            and meeting.zoom_meeting_id is not None
        )
        context.update(
            booking=booking,
            answers=questions.answer_rows(booking.answers, booking.meeting_type.question_list),
            tracking=questions.tracking_rows(booking.tracking),
            language=display.language_label(booking),
            meeting=meeting,
            co_hosts=list(booking.co_hosts.all()),
            events=booking.events.all(),
            cancel_url=self.cancel_url,
            resync_url=(
                zoom_admin_url("resync", booking)
                if zoom_policy.user_has_permission(user, RESYNC)
                else ""
            ),
            start_meeting_url=zoom_admin_url("start", booking) if can_start_meeting else "",
            here=self.request.get_full_path(),
            **self.attendance_context(booking),
        )
        return context

    def attendance_context(self, booking):
        """What Zoom reported, and the form a host or admin sets the verdict with."""
        row = display.attendance_of(booking)
        can_set = attendance_settable(booking) is None and self.user_has_permission_for_instance(
            "change", booking
        )
        initial = row.status if row and row.is_overridden else zoom_attendance.AUTOMATIC
        return {
            "attendance": row,
            "attendance_label": display.attendance_label(booking),
            "participants": list(row.participants.all()) if row else [],
            "attendance_url": (
                reverse(self.attendance_url_name, args=[quote(booking.pk)]) if can_set else ""
            ),
            "attendance_form": AttendanceForm(initial={"attendance": initial}) if can_set else None,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=booking_service.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Kept in the booking's history and shown to the hosts."),
    )


class OneBookingMixin(PermissionCheckedMixin):
    """A view acting on one booking, for those who may change it (owners, admins)."""

    model = Booking
    permission_required = "change"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            Booking.objects.select_related("host", "meeting_type").prefetch_related("co_hosts"),
            pk=unquote(str(kwargs["pk"])),
        )

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance("change", self.object):
            raise PermissionDenied
        return self.refusal() or super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """A response instead of the view's own, for a booking it cannot act on."""
        return None


class OneBookingFormPage(OneBookingMixin, generic.WagtailAdminTemplateMixin, FormView):
    """A form page about one booking (cancel, reassign): titled by its id, under it in the
    breadcrumbs, posting to ``action_url_name``."""

    index_url_name = None
    inspect_url_name = None
    action_url_name = None

    @cached_property
    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[quote(self.object.pk)])

    def get_page_subtitle(self):
        return self.object.public_id

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Bookings")},
            {"url": self.inspect_url, "label": self.object.public_id},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            booking=self.object,
            action_url=reverse(self.action_url_name, args=[quote(self.object.pk)]),
            inspect_url=self.inspect_url,
        )
        return context


class CancelView(OneBookingFormPage):
    """A confirmation form; only its POST cancels, through ``booking.cancel``."""

    form_class = CancelForm
    template_name = "wagtail_pmc_booking/booking_admin/cancel.html"
    page_title = _("Cancel booking")
    header_icon = "cross"

    def refusal(self):
        return None if self.object.is_confirmed else self.already_cancelled()

    def already_cancelled(self):
        messages.warning(
            self.request,
            gettext("Booking %(booking)s is already cancelled; nothing was changed.")
            % {"booking": self.object.public_id},
        )
        return redirect(self.inspect_url)

    def form_valid(self, form):
        try:
            booking_service.cancel(
                self.object,
                reason=form.cleaned_data["reason"],
                actor=self.request.user.get_username(),
            )
        except BookingCancelled:
            return self.already_cancelled()
        except BookingError as exc:  # e.g. a reason too long, or the database busy
            add_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Booking %(booking)s cancelled. The attendee and the hosts are being emailed.")
            % {"booking": self.object.public_id},
        )
        return redirect(self.inspect_url)


def attendance_settable(booking, now=None):
    """Why a person cannot set ``booking``'s attendance now, or None when they can."""
    if not booking.is_confirmed:
        return gettext("A cancelled booking has no attendance.")
    if booking.start > (now or timezone.now()):
        return gettext("Attendance can be set once the meeting has started.")
    return None


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        choices=[
            (zoom_attendance.AUTOMATIC, _("Automatic (from Zoom's events)")),
            (AttendanceStatus.ATTENDED, _("Attended")),
            (AttendanceStatus.NO_SHOW, _("No-show")),
        ],
        widget=forms.RadioSelect,
    )


class AttendanceView(OneBookingMixin, View):
    """The inspect page's attendance form posts here: a person's verdict, or automatic."""

    http_method_names = ["post"]
    inspect_url_name = None

    def post(self, request, *args, **kwargs):
        booking = self.object
        inspect_url = reverse(self.inspect_url_name, args=[quote(booking.pk)])
        refused = attendance_settable(booking)
        form = AttendanceForm(request.POST)
        if refused is None and not form.is_valid():
            refused = gettext("Choose attended, no-show or automatic.")
        if refused is not None:
            messages.error(request, refused + " " + gettext("Nothing was changed."))
            return redirect(inspect_url)
        zoom_attendance.set_by_person(
            booking, form.cleaned_data["attendance"], actor=request.user.get_username()
        )
        status = Attendance.objects.get(booking=booking).get_status_display()
        messages.success(
            request,
            gettext("Attendance of booking %(booking)s: %(status)s.")
            % {"booking": booking.public_id, "status": status},
        )
        return redirect(inspect_url)


class ReassignForm(forms.Form):
    host = forms.ModelChoiceField(
        label=_("New host"),
        queryset=Host.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Hosts of this meeting type who are free at its time."),
    )

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Host.objects.filter(pk__in=[h.pk for h in hosts])


class ReassignView(OneBookingFormPage):
    """Site admins give a booking to another free host of its meeting type, same time."""

    form_class = ReassignForm
    template_name = "wagtail_pmc_booking/booking_admin/reassign.html"
    page_title = _("Reassign booking")
    header_icon = "user"

    def refusal(self):
        if not self.permission_policy.user_manages_all(self.request.user, "change"):
            raise PermissionDenied
        if not self.object.is_confirmed:
            messages.warning(
                self.request,
                gettext("Booking %(booking)s is cancelled; nothing was changed.")
                % {"booking": self.object.public_id},
            )
            return redirect(self.inspect_url)
        return None

    @cached_property
    def candidates(self):
        return booking_service.reassign_candidates(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hosts": self.candidates}

    def form_valid(self, form):
        host = form.cleaned_data["host"]
        try:
            booking_service.reassign(self.object, host, self.request.user.get_username())
        except BookingError as exc:  # taken meanwhile, or the database busy
            add_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "Booking %(booking)s now has %(host)s as its host. The Zoom meeting moves to "
                "them, and everyone is being emailed."
            )
            % {"booking": self.object.public_id, "host": host.name},
        )
        return redirect(self.inspect_url)
