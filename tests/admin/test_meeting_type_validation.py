"""The MeetingType editor refuses inconsistent lengths and limits and stores nothing."""

import pytest

from tests.admin.helpers import admin_url, form_errors, meeting_type_data, post_rejected, post_saved
from wagtail_pmc_booking.models import MeetingType


@pytest.fixture
def edit_url(product_demo):
    return admin_url(MeetingType, "edit", product_demo)


def test_admin_creates_a_meeting_type_with_hosts(admin_client, seed_host):
    data = meeting_type_data(hosts=[seed_host.pk], durations=[30, 60], default_duration=60)

    post_saved(admin_client, admin_url(MeetingType, "add"), data)

    meeting_type = MeetingType.objects.get(slug="intro-call")
    assert list(meeting_type.hosts.all()) == [seed_host]
    assert (meeting_type.durations, meeting_type.default_duration) == ([30, 60], 60)


def test_default_length_must_be_one_of_the_lengths(admin_client, product_demo, edit_url):
    data = meeting_type_data(product_demo, durations=[15, 30], default_duration=60)

    response = post_rejected(admin_client, edit_url, data)

    assert form_errors(response) == {
        "default_duration": ["The default length must be one of the lengths."]
    }


def test_length_outside_the_allowed_set_is_rejected(admin_client, product_demo, edit_url):
    data = meeting_type_data(product_demo, durations=[30, 90])

    response = post_rejected(admin_client, edit_url, data)

    assert list(form_errors(response)) == ["durations"]


@pytest.mark.parametrize("minutes", [-1, 1441])
def test_minimum_notice_must_be_between_zero_and_a_day(
    admin_client, product_demo, edit_url, minutes
):
    data = meeting_type_data(product_demo, minimum_notice_minutes=minutes)

    response = post_rejected(admin_client, edit_url, data)

    assert list(form_errors(response)) == ["minimum_notice_minutes"]


def test_fixed_assignment_needs_exactly_one_host(admin_client, product_demo, edit_url, owned_host):
    data = meeting_type_data(
        product_demo, assignment="fixed", hosts=[product_demo.hosts.get().pk, owned_host.pk]
    )

    response = post_rejected(admin_client, edit_url, data)

    assert form_errors(response) == {"hosts": ["A fixed-host meeting type needs exactly one host."]}


def test_default_length_is_offered_as_a_choice(admin_client, edit_url):
    html = admin_client.get(edit_url).content.decode()

    assert '<select name="default_duration"' in html


def test_stored_default_length_outside_the_choices_is_not_silently_replaced(
    admin_client, product_demo, edit_url
):
    MeetingType.objects.filter(pk=product_demo.pk).update(default_duration=90)

    html = admin_client.get(edit_url).content.decode()

    assert '<option value="90" selected>' in html
