"""Build the POST bodies the Wagtail admin editors send, and read back what was stored."""

from django.contrib.admin.utils import quote
from django.urls import reverse

from wagtail_pmc_booking.models import AvailabilityWindow, Host, MeetingType, OutOfOffice


def admin_url(model, view, obj=None):
    """A snippet admin URL by the viewset's own URL name, e.g. ``admin_url(Host, "edit", h)``."""
    args = [quote(obj.pk)] if obj is not None else []
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def _value(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.isoformat()
    return value


def formset_data(prefix, rows, *, initial=0):
    """Management form plus one block per row; a row is a dict of field name to value.

    ``initial`` counts the leading rows that are existing objects (they carry an ``id``).
    Booleans become a checkbox that is sent only when ticked, as browsers do.
    """
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        row = {"id": "", "ORDER": str(i + 1), **row}
        for name, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{i}-{name}"] = "on"
            else:
                data[f"{prefix}-{i}-{name}"] = _value(value)
    return data


def stream_data(prefix, blocks):
    """A StreamField as the editor posts it; ``blocks`` is ``[(type, {field: value})]``.

    A list value (a choice's options) is posted as a ListBlock; booleans as checkboxes.
    """
    data = {f"{prefix}-count": str(len(blocks))}
    for i, (block_type, value) in enumerate(blocks):
        block = f"{prefix}-{i}"
        data.update({f"{block}-type": block_type, f"{block}-deleted": "", f"{block}-order": str(i)})
        data[f"{block}-id"] = ""
        for name, field in value.items():
            key = f"{block}-value-{name}"
            if isinstance(field, list):
                data[f"{key}-count"] = str(len(field))
                for j, item in enumerate(field):
                    data.update(
                        {
                            f"{key}-{j}-value": item,
                            f"{key}-{j}-deleted": "",
                            f"{key}-{j}-order": str(j),
                            f"{key}-{j}-id": "",
                        }
                    )
            elif isinstance(field, bool):
                if field:
                    data[key] = "on"
            else:
                data[key] = field
    return data


def stream_blocks(stream):
    """A stored StreamField value as ``stream_data`` takes it."""

    def plain(value):
        return value if isinstance(value, str | bool) else list(value)

    return [
        (child.block_type, {name: plain(v) for name, v in child.value.items()}) for child in stream
    ]


def model_fields_data(fields):
    data = {}
    for name, value in fields.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = _value(value)
    return data


def window_rows(host):
    return [
        {"id": w.pk, "weekday": w.weekday, "start_time": w.start_time, "end_time": w.end_time}
        for w in host.availability_windows.order_by("sort_order", "pk")
    ]


def override_rows(host):
    return [
        {"id": o.pk, "date": o.date, "start_time": o.start_time, "end_time": o.end_time}
        for o in host.date_overrides.order_by("sort_order", "pk")
    ]


def out_of_office_rows(host):
    return [
        {
            "id": o.pk,
            "start_date": o.start_date,
            "end_date": o.end_date,
            "start_time": o.start_time,
            "end_time": o.end_time,
            "reason": o.reason,
            "is_enabled": o.is_enabled,
        }
        for o in host.out_of_office.order_by("pk")
    ]


def host_data(host=None, *, windows=None, overrides=None, out_of_office=None, **fields):
    """The Host editor's POST body: ``host``'s current values (if any) with changes.

    ``windows``/``overrides``/``out_of_office`` replace the inline rows; by default the
    stored rows are sent back unchanged.
    """
    values = {
        "name": "New Host",
        "slug": "new-host",
        "email": "new@example.com",
        "user": "",
        "zoom_user": "",
        "is_active": True,
        "timezone": "Asia/Kolkata",
        "durations": [15, 30],
        "buffer_before_minutes": 10,
        "buffer_after_minutes": 15,
        "priority": 2,
        "weight": 100,
        "max_bookings_per_day": None,
        "max_bookings_per_week": None,
        "language": "",
        "bio": "",
    }
    existing_windows, existing_overrides, existing_ooo = [], [], []
    if host is not None:
        values.update(
            {name: getattr(host, name) for name in values if name != "user"},
            user=host.user_id,
        )
        existing_windows, existing_ooo = window_rows(host), out_of_office_rows(host)
        existing_overrides = override_rows(host)
        values["photo"] = host.photo_id
    values.update(fields)
    windows = existing_windows if windows is None else windows
    overrides = existing_overrides if overrides is None else overrides
    out_of_office = existing_ooo if out_of_office is None else out_of_office
    return {
        **model_fields_data(values),
        **formset_data(
            "availability_windows",
            windows,
            initial=sum(1 for row in windows if row.get("id")),
        ),
        **formset_data(
            "date_overrides", overrides, initial=sum(1 for row in overrides if row.get("id"))
        ),
        **formset_data(
            "out_of_office",
            out_of_office,
            initial=sum(1 for row in out_of_office if row.get("id")),
        ),
        **formset_data("calendars", []),
    }


def meeting_type_data(meeting_type=None, **fields):
    values = {
        "name": "Intro call",
        "slug": "intro-call",
        "description": "",
        "is_active": True,
        "hosts": [],
        "assignment": "round_robin",
        "durations": [15, 30],
        "default_duration": 30,
        "slot_interval_minutes": "",
        "minimum_notice_minutes": 120,
        "minimum_change_notice_minutes": 0,
        "booking_horizon_days": 60,
        "max_bookings_per_host_per_day": "",
        "max_bookings_per_host_per_week": "",
        "zoom_enabled": True,
        "zoom_passcode": True,
        "zoom_waiting_room": True,
        "zoom_join_before_host": False,
        "zoom_mute_upon_entry": True,
        "zoom_auto_recording": "none",
        "reminder_minutes": "1440, 60",
        "remind_hosts": False,
    }
    blocks = []
    if meeting_type is not None:
        values.update({name: getattr(meeting_type, name) for name in values if name != "hosts"})
        values["hosts"] = [h.pk for h in meeting_type.hosts.all()]
        values["reminder_minutes"] = ", ".join(str(m) for m in meeting_type.reminder_minutes)
        blocks = stream_blocks(meeting_type.questions)
    blocks = fields.pop("questions", blocks)
    values.update(fields)
    return {**model_fields_data(values), **stream_data("questions", blocks)}


def out_of_office_data(entry=None, **fields):
    values = {
        "host": "",
        "start_date": "2026-05-01",
        "end_date": "2026-05-01",
        "start_time": "",
        "end_time": "",
        "reason": "Holiday",
        "is_enabled": True,
    }
    if entry is not None:
        values.update({name: getattr(entry, name) for name in values if name != "host"})
        values["host"] = entry.host_id
    values.update(fields)
    return model_fields_data(values)


def db_state():
    """Every row the admin can write, to show a rejected POST stored nothing."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=lambda row: row[0])
        for model in (Host, AvailabilityWindow, OutOfOffice, MeetingType)
    } | {
        "MeetingType.hosts": sorted(MeetingType.hosts.through.objects.values_list()),
    }


def form_errors(response):
    """The editor form's field errors by name, as plain strings."""
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def formset_errors(response, name):
    formset = response.context["form"].formsets[name]
    return [
        {field: [str(e) for e in errors] for field, errors in row.items()} for row in formset.errors
    ]


def post_rejected(client, url, data):
    """POST an editor form that must fail: the form comes back and nothing is stored."""
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    assert db_state() == before
    return response


def post_saved(client, url, data):
    """POST an editor form that must succeed (Wagtail redirects to the listing)."""
    response = client.post(url, data)
    if response.status_code == 200:
        form = response.context["form"]
        formsets = {name: fs.errors for name, fs in form.formsets.items()}
        raise AssertionError(f"form rejected: {form.errors!r} {formsets!r}")
    assert response.status_code == 302
    return response
