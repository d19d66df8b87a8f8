"""Every URL the snippet viewsets mount, requested by a host owner.

The URLs are read from the viewsets themselves (snippet views and their choosers), so a
view Wagtail or we add later is requested here too and cannot be forgotten.
"""

from datetime import date
from html import escape

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from tests import factories
from tests.admin.helpers import db_state
from wagtail_pmc_booking.models import Host, MeetingType, OutOfOffice

MODELS = (Host, OutOfOffice, MeetingType)

OWN_OBJECT_VIEWS = {
    Host: {"edit", "usage", "history", "history_results", "chosen"},
    OutOfOffice: {"edit", "delete", "usage", "history", "history_results", "copy", "chosen"},
    MeetingType: {"chosen"},
}
"""The views naming one object that an owner may open for their own object."""

OTHERS_SECRETS = ("Ravi Iyer", "Ravi's surgery", "Company offsite", "Ravi's workshop")
"""Names and reasons of rows that are not the owner's: none may appear in any answer."""


def registered_urls():
    """(model, url name, keyword names) of every URL of the snippet viewsets and choosers."""
    for model in MODELS:
        snippet_viewset = model.snippet_viewset
        for viewset in (snippet_viewset, snippet_viewset.chooser_viewset):
            for pattern in viewset.get_urlpatterns():
                yield model, viewset.get_url_name(pattern.name), set(pattern.pattern.converters)


def url_for(name, keywords, obj):
    """The URL, naming ``obj`` where the view takes one; the multiple chooser by query."""
    assert keywords <= {"pk"}, f"{name} takes {keywords}: teach this test that URL"
    if keywords:
        return reverse(name, kwargs={"pk": quote(obj.pk)})
    url = reverse(name)
    return f"{url}?id={obj.pk}" if name.endswith(":chosen_multiple") else url


def is_denied(response):
    """403/404, or Wagtail's redirect to the dashboard for a PermissionDenied."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def leaked(response):
    """The secrets in the answer, as typed or HTML-escaped (a chooser sends HTML in JSON)."""
    body = b"" if response.streaming else response.content
    return [
        secret
        for secret in OTHERS_SECRETS
        if secret.encode() in body or escape(secret).encode() in body
    ]


@pytest.fixture
def others_rows(owned_host, other_host):
    """One row of each model that is not the owner's, with a recognisable name/reason."""
    return {
        Host: other_host,
        OutOfOffice: OutOfOffice.objects.create(
            host=other_host,
            start_date=date(2026, 9, 1),
            end_date=date(2026, 9, 2),
            reason="Ravi's surgery",
        ),
        MeetingType: factories.make_meeting_type(
            hosts=[other_host], name="Ravi's workshop", slug="ravis-workshop"
        ),
        "company": OutOfOffice.objects.create(
            host=None,
            start_date=date(2026, 10, 1),
            end_date=date(2026, 10, 1),
            reason="Company offsite",
        ),
    }


@pytest.fixture
def own_rows(owned_host):
    return {
        Host: owned_host,
        OutOfOffice: owned_host.out_of_office.first(),
        MeetingType: factories.make_meeting_type(
            hosts=[owned_host], name="Meera's clinic", slug="meeras-clinic"
        ),
    }


def test_the_enumeration_reaches_every_kind_of_view():
    names = {name.split(":")[1] for _, name, _ in registered_urls()}

    assert {"list", "list_results", "edit", "copy", "history_results"} <= names
    assert {"choose", "choose_results", "chosen", "chosen_multiple"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_owner_gets_nothing_of_other_hosts_rows_from_any_url(owner_client, others_rows, method):
    before = db_state()
    problems = []

    for model, name, keywords in registered_urls():
        targets = [others_rows[model]]
        if model is OutOfOffice:
            targets.append(others_rows["company"])
        for obj in targets:
            response = getattr(owner_client, method)(url_for(name, keywords, obj))
            if keywords and not is_denied(response):
                problems.append((name, obj, response.status_code))
            elif not keywords and response.status_code not in (200, 302, 403, 404, 405):
                problems.append((name, obj, response.status_code))
            if leaked(response):
                problems.append((name, obj, leaked(response)))

    assert not problems, "\n".join(map(str, problems))
    assert db_state() == before


def test_owner_opens_their_own_rows_where_allowed(owner_client, own_rows):
    problems = []

    for model, name, keywords in registered_urls():
        if not keywords:
            continue
        response = owner_client.get(url_for(name, keywords, own_rows[model]))
        allowed = name.split(":")[1] in OWN_OBJECT_VIEWS[model]
        if allowed and response.status_code != 200:
            problems.append((name, "refused", response.status_code))
        if not allowed and not is_denied(response):
            problems.append((name, "allowed", response.status_code))

    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("model", MODELS)
def test_owner_chooser_lists_only_their_own_rows(
    owner_client, owned_host, own_rows, others_rows, model
):
    chooser = model.snippet_viewset.chooser_viewset
    own = set(owned_host.out_of_office.all()) if model is OutOfOffice else {own_rows[model]}

    response = owner_client.get(reverse(chooser.get_url_name("choose_results")))

    assert response.status_code == 200
    assert set(response.context["results"]) == own


def test_owner_chooser_picks_only_their_own_rows_when_choosing_many(
    owner_client, own_rows, others_rows
):
    chooser = Host.snippet_viewset.chooser_viewset
    ids = f"id={own_rows[Host].pk}&id={others_rows[Host].pk}"

    response = owner_client.get(f"{reverse(chooser.get_url_name('chosen_multiple'))}?{ids}")

    assert [row["id"] for row in response.json()["result"]] == [str(own_rows[Host].pk)]


@pytest.mark.parametrize("model", [Host, MeetingType])
def test_page_editor_without_a_host_still_chooses_any_host_or_meeting_type(
    hostless_client, owned_host, other_host, model
):
    factories.make_meeting_type(hosts=[owned_host], name="Clinic", slug="clinic")
    factories.make_meeting_type(hosts=[other_host], name="Workshop", slug="workshop")
    chooser = model.snippet_viewset.chooser_viewset

    response = hostless_client.get(reverse(chooser.get_url_name("choose_results")))

    assert len(response.context["results"]) == 2


def test_user_without_a_host_chooses_no_out_of_office(hostless_client, other_host):
    chooser = OutOfOffice.snippet_viewset.chooser_viewset

    response = hostless_client.get(reverse(chooser.get_url_name("choose_results")))

    assert list(response.context["results"]) == []


def test_site_admin_chooses_every_out_of_office_entry(manager_client, others_rows, owned_host):
    chooser = OutOfOffice.snippet_viewset.chooser_viewset

    response = manager_client.get(reverse(chooser.get_url_name("choose_results")))

    assert set(response.context["results"]) == set(OutOfOffice.objects.all())
