"""The out-of-office editor refuses impossible periods and stores nothing."""

import pytest

from tests.admin.helpers import (
    admin_url,
    form_errors,
    out_of_office_data,
    post_rejected,
    post_saved,
)
from wagtail_pmc_booking.models import OutOfOffice

BOTH_OR_NEITHER = "Set both times for a blocked window, or neither for whole days."


@pytest.fixture
def add_url(db):
    return admin_url(OutOfOffice, "add")


def test_admin_files_a_company_wide_holiday(admin_client, add_url):
    post_saved(admin_client, add_url, out_of_office_data(reason="Founders' day"))

    entry = OutOfOffice.objects.get(reason="Founders' day")
    assert entry.host is None
    assert entry.is_whole_day


def test_end_date_before_start_date_is_rejected(admin_client, add_url):
    data = out_of_office_data(start_date="2026-05-03", end_date="2026-05-01")

    response = post_rejected(admin_client, add_url, data)

    assert form_errors(response) == {"end_date": ["The end date cannot be before the start date."]}


def test_only_a_start_time_is_rejected(admin_client, add_url):
    response = post_rejected(admin_client, add_url, out_of_office_data(start_time="14:00"))

    assert form_errors(response) == {"end_time": [BOTH_OR_NEITHER]}


def test_only_an_end_time_is_rejected(admin_client, add_url):
    response = post_rejected(admin_client, add_url, out_of_office_data(end_time="18:00"))

    assert form_errors(response) == {"start_time": [BOTH_OR_NEITHER]}


def test_blocked_window_must_end_after_it_starts(admin_client, add_url):
    data = out_of_office_data(start_time="18:00", end_time="14:00")

    response = post_rejected(admin_client, add_url, data)

    assert form_errors(response) == {"end_time": ["The blocked window must end after it starts."]}


def test_editing_keeps_the_entry_consistent(admin_client, owned_host):
    entry = owned_host.out_of_office.get(reason="Blocked Window")
    data = out_of_office_data(entry, end_date="2026-04-23")

    response = post_rejected(admin_client, admin_url(OutOfOffice, "edit", entry), data)

    assert list(form_errors(response)) == ["end_date"]
