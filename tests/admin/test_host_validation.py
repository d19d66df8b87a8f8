"""The Host editor refuses bad availability and preferences and then stores nothing."""

import re
from datetime import time

import pytest

from tests.admin.helpers import (
    admin_url,
    form_errors,
    formset_errors,
    host_data,
    post_rejected,
    post_saved,
    window_rows,
)
from wagtail_pmc_booking.models import Host

MONDAY = 0


@pytest.fixture
def edit_url(owned_host):
    return admin_url(Host, "edit", owned_host)


def with_window(host, weekday, start, end):
    return [*window_rows(host), {"weekday": weekday, "start_time": start, "end_time": end}]


def mondays(host):
    return [
        (w.start_time, w.end_time)
        for w in host.availability_windows.filter(weekday=MONDAY).order_by("start_time")
    ]


def test_overlapping_windows_on_one_day_are_rejected_naming_day_and_times(
    admin_client, owned_host, edit_url
):
    data = host_data(owned_host, windows=with_window(owned_host, MONDAY, time(12), time(14)))

    response = post_rejected(admin_client, edit_url, data)

    assert form_errors(response)["__all__"] == ["Monday: 09:00–12:30 overlaps 12:00–14:00."]


def test_overlap_error_marks_the_offending_row(admin_client, owned_host, edit_url):
    data = host_data(owned_host, windows=with_window(owned_host, MONDAY, time(12), time(14)))

    response = post_rejected(admin_client, edit_url, data)

    row_errors = formset_errors(response, "availability_windows")
    assert row_errors[-1] == {"__all__": ["Monday: 09:00–12:30 overlaps 12:00–14:00."]}
    assert not any(row_errors[:-1])


def test_window_inside_another_is_an_overlap(admin_client, owned_host, edit_url):
    data = host_data(owned_host, windows=with_window(owned_host, MONDAY, time(10), time(11)))

    response = post_rejected(admin_client, edit_url, data)

    assert form_errors(response)["__all__"] == ["Monday: 09:00–12:30 overlaps 10:00–11:00."]


def test_back_to_back_windows_are_accepted(admin_client, owned_host, edit_url):
    data = host_data(owned_host, windows=with_window(owned_host, MONDAY, time(12, 30), time(14)))

    post_saved(admin_client, edit_url, data)

    assert (time(12, 30), time(14)) in mondays(owned_host)


def test_same_times_on_different_days_are_accepted(admin_client, owned_host, edit_url):
    saturday = 5
    data = host_data(owned_host, windows=with_window(owned_host, saturday, time(9), time(12, 30)))

    post_saved(admin_client, edit_url, data)

    assert owned_host.availability_windows.filter(weekday=saturday).count() == 1


def test_a_window_marked_for_deletion_does_not_count_as_overlap(admin_client, owned_host, edit_url):
    rows = window_rows(owned_host)
    rows[0]["DELETE"] = True
    rows.append({"weekday": MONDAY, "start_time": time(10), "end_time": time(11)})

    post_saved(admin_client, edit_url, host_data(owned_host, windows=rows))

    assert mondays(owned_host) == [(time(10), time(11)), (time(14), time(18))]


@pytest.mark.parametrize("start,end", [(time(18), time(17)), (time(17), time(17))])
def test_window_must_end_after_it_starts(admin_client, owned_host, edit_url, start, end):
    data = host_data(owned_host, windows=with_window(owned_host, 5, start, end))

    response = post_rejected(admin_client, edit_url, data)

    assert formset_errors(response, "availability_windows")[-1] == {
        "end_time": ["The window must end after it starts."]
    }


def test_unknown_timezone_is_rejected(admin_client, owned_host, edit_url):
    response = post_rejected(admin_client, edit_url, host_data(owned_host, timezone="Mars/Olympus"))

    assert form_errors(response) == {
        "timezone": ["“Mars/Olympus” is not a known IANA timezone, e.g. Europe/Berlin."]
    }


def test_length_outside_the_allowed_set_is_rejected(admin_client, owned_host, edit_url):
    response = post_rejected(admin_client, edit_url, host_data(owned_host, durations=[30, 20]))

    assert list(form_errors(response)) == ["durations"]


def test_at_least_one_length_is_required(admin_client, owned_host, edit_url):
    response = post_rejected(admin_client, edit_url, host_data(owned_host, durations=[]))

    assert list(form_errors(response)) == ["durations"]


@pytest.mark.parametrize("field", ["buffer_before_minutes", "buffer_after_minutes"])
@pytest.mark.parametrize("minutes", [-5, 1441])
def test_buffer_must_be_between_zero_and_a_day(admin_client, owned_host, edit_url, field, minutes):
    response = post_rejected(admin_client, edit_url, host_data(owned_host, **{field: minutes}))

    assert list(form_errors(response)) == [field]


def test_inline_out_of_office_cannot_end_before_it_starts(admin_client, owned_host, edit_url):
    rows = [{"start_date": "2026-05-03", "end_date": "2026-05-01", "reason": "Trip"}]

    response = post_rejected(admin_client, edit_url, host_data(owned_host, out_of_office=rows))

    assert formset_errors(response, "out_of_office") == [
        {"end_date": ["The end date cannot be before the start date."]}
    ]


def test_inline_out_of_office_needs_both_times_or_neither(admin_client, owned_host, edit_url):
    rows = [{"start_date": "2026-05-01", "end_date": "2026-05-01", "start_time": "14:00"}]

    response = post_rejected(admin_client, edit_url, host_data(owned_host, out_of_office=rows))

    assert formset_errors(response, "out_of_office") == [
        {"end_time": ["Set both times for a blocked window, or neither for whole days."]}
    ]


def test_admin_creates_a_host_with_windows_and_out_of_office(admin_client, db):
    data = host_data(
        slug="kiran",
        windows=[
            {"weekday": MONDAY, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": MONDAY, "start_time": "13:00", "end_time": "17:00"},
        ],
        out_of_office=[{"start_date": "2026-05-01", "end_date": "2026-05-02", "is_enabled": True}],
    )

    post_saved(admin_client, admin_url(Host, "add"), data)

    host = Host.objects.get(slug="kiran")
    assert mondays(host) == [(time(9), time(12)), (time(13), time(17))]
    assert host.out_of_office.get().is_whole_day


def test_the_week_grid_shows_an_overlap_and_a_reversed_window_on_their_rows(
    admin_client, owned_host, edit_url
):
    rows = with_window(owned_host, MONDAY, time(12), time(14))
    rows.append({"weekday": 1, "start_time": time(17), "end_time": time(16)})

    html = post_rejected(
        admin_client, edit_url, host_data(owned_host, windows=rows)
    ).content.decode()

    monday = html.split('data-pmc-day="0"')[1].split("</fieldset>")[0]
    tuesday = html.split('data-pmc-day="1"')[1].split("</fieldset>")[0]
    overlap = "Monday: 09:00–12:30 overlaps 12:00–14:00."
    assert monday.count(overlap) == 1
    assert re.search(r'value="12:00(:00)?".*?' + re.escape(overlap), monday, re.S)
    assert "To: The window must end after it starts." in tuesday
