"""The calendar row's address field: what hosts paste from their calendar apps."""

import pytest

from wagtail_pmc_booking.calendars.admin import HostCalendarForm


def form_for(url):
    form = HostCalendarForm(
        data={"name": "Apple", "kind": "ics", "url": url, "check_conflicts": "on"}
    )
    form.is_valid()
    return form


@pytest.mark.django_db
def test_a_webcal_link_is_taken_as_its_https_address():
    # Port 9 on loopback refuses at once: the form's connection test reaches nothing.
    form = form_for(" webcal://127.0.0.1:9/published/2/abc ")
    assert "url" not in form.errors
    assert form.cleaned_data["url"] == "https://127.0.0.1:9/published/2/abc"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["ftp://example.com/a.ics", "file:///etc/passwd", "not a url"])
def test_other_schemes_and_non_urls_are_form_errors(url):
    assert "url" in form_for(url).errors
