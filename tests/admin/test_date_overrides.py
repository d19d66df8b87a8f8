"""Date overrides and the host's own caps, as edited in the Host editor and as slots show."""

from datetime import UTC, date, datetime, time

import pytest

from tests import factories
from tests.admin.helpers import (
    admin_url,
    form_errors,
    formset_errors,
    host_data,
    post_rejected,
    post_saved,
)
from wagtail_pmc_booking import availability
from wagtail_pmc_booking.models import DateOverride, Host

SATURDAY = date(2026, 4, 25)
HOLIDAY = date(2026, 4, 18)  # a whole-day out-of-office of the seed host
NOW = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def edit_url(owned_host):
    return admin_url(Host, "edit", owned_host)


def override(day, start, end):
    return {"date": day, "start_time": start, "end_time": end}


def saturday_starts(host, day=SATURDAY):
    meeting_type = factories.make_meeting_type(hosts=[host], minimum_notice_minutes=0)
    days = availability.list_slots(
        meeting_type, start_date=day, end_date=day, tz=host.timezone, now=NOW
    )
    return [f"{s.start.astimezone(host.zoneinfo):%H:%M}" for s in days.get(day, [])]


def test_a_host_owner_opens_a_saturday_morning_and_its_slots_appear(
    owner_client, owned_host, edit_url
):
    assert saturday_starts(owned_host) == []  # the seed week has no Saturday

    data = host_data(owned_host, overrides=[override(SATURDAY, time(10), time(11, 30))])
    post_saved(owner_client, edit_url, data)

    stored = list(DateOverride.objects.values_list("date", "start_time", "end_time"))
    assert stored == [(SATURDAY, time(10), time(11, 30))]
    assert saturday_starts(owned_host) == ["10:00", "10:30", "11:00"]


def test_out_of_office_still_closes_an_overridden_date(admin_client, owned_host, edit_url):
    data = host_data(owned_host, overrides=[override(HOLIDAY, time(10), time(12))])
    post_saved(admin_client, edit_url, data)

    assert saturday_starts(owned_host, HOLIDAY) == []


def test_overlapping_overrides_on_one_date_are_refused_on_their_row(
    admin_client, owned_host, edit_url
):
    rows = [override(SATURDAY, time(10), time(12)), override(SATURDAY, time(11), time(13))]

    response = post_rejected(admin_client, edit_url, host_data(owned_host, overrides=rows))

    message = "April 25, 2026: 10:00–12:00 overlaps 11:00–13:00."
    assert form_errors(response)["__all__"] == [message]
    assert formset_errors(response, "date_overrides") == [{}, {"__all__": [message]}]
    assert not DateOverride.objects.exists()


def test_the_same_hours_on_two_dates_are_fine(admin_client, owned_host, edit_url):
    rows = [override(SATURDAY, time(10), time(12)), override(date(2026, 5, 2), time(10), time(12))]

    post_saved(admin_client, edit_url, host_data(owned_host, overrides=rows))

    assert DateOverride.objects.count() == 2


def test_an_override_must_end_after_it_starts(admin_client, owned_host, edit_url):
    rows = [override(SATURDAY, time(12), time(10))]

    response = post_rejected(admin_client, edit_url, host_data(owned_host, overrides=rows))

    assert formset_errors(response, "date_overrides") == [
        {"end_time": ["The window must end after it starts."]}
    ]
    assert not DateOverride.objects.exists()


def test_a_host_owner_sets_their_own_caps(owner_client, owned_host, edit_url):
    data = host_data(owned_host, max_bookings_per_day=3, max_bookings_per_week=10)

    post_saved(owner_client, edit_url, data)

    owned_host.refresh_from_db()
    assert (owned_host.max_bookings_per_day, owned_host.max_bookings_per_week) == (3, 10)


@pytest.mark.parametrize("value", [0, -1, "many"])
def test_a_cap_must_be_a_positive_number(admin_client, owned_host, edit_url, value):
    response = post_rejected(
        admin_client, edit_url, host_data(owned_host, max_bookings_per_week=value)
    )

    assert "max_bookings_per_week" in form_errors(response)
    owned_host.refresh_from_db()
    assert owned_host.max_bookings_per_week is None
