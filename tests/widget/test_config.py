"""What the page tells the widget: prefill, tracking, language, questions and calendar links.

The server renders the details form (the meeting type's questions included) and the
summary, so these read the HTML a browser gets, parsed, not the template's text.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from tests import factories
from tests.browser.helpers import ensure_home
from wagtail_pmc_booking.models import BookingPage
from wagtail_pmc_booking.widget import calendar_url_pattern, widget_config

QUESTIONS = [
    (
        "short_text",
        {"key": "company", "label": "Company", "required": True, "help_text": "Legal name"},
    ),
    ("long_text", {"key": "goals", "label": "Goals", "required": False, "help_text": ""}),
    ("email", {"key": "billing", "label": "Billing email", "required": False, "help_text": ""}),
    ("phone", {"key": "phone", "label": "Phone", "required": False, "help_text": ""}),
    (
        "select",
        {
            "key": "team_size",
            "label": "Team size",
            "required": True,
            "help_text": "",
            "options": ["1-10", "11-50"],
        },
    ),
    ("checkbox", {"key": "consent", "label": "I agree", "required": True, "help_text": ""}),
]
PREFILL = {
    "name": "Dana Scully",
    "email": "dana@example.com",
    "company": "FBI",
    "goals": "Find the truth",
    "billing": "billing@example.com",
    "phone": "+1 202 555 0100",
    "team_size": "11-50",
    "consent": "yes",
    "utm_source": "newsletter",
    "utm_campaign": "spring",
    "gclid": "abc123",
    "unrelated": "ignored",
}


@pytest.fixture
def asking(product_demo):
    product_demo.questions = QUESTIONS
    product_demo.save()
    return product_demo


class Controls(HTMLParser):
    """The details template's controls by name (attributes, and a select's chosen option)."""

    def __init__(self):
        super().__init__()
        self.controls, self.ids, self.texts, self.depth = {}, {}, {}, 0
        self._select = self._text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template" and "data-pmc-details" in attrs:
            self.depth += 1
        if not self.depth:
            return
        if attrs.get("id"):
            self.ids[attrs["id"]] = attrs
            self._text = attrs["id"]
        if tag in ("input", "textarea", "select") and attrs.get("name"):
            self.controls[attrs["name"]] = {"tag": tag, **attrs}
            self._select = attrs if tag == "select" else None
        if tag == "option" and "selected" in attrs and self._select is not None:
            self._select["chosen"] = True
            self.controls[self._select["name"]]["selected"] = None
            self._pending = True

    def handle_endtag(self, tag):
        if tag == "template" and self.depth:
            self.depth -= 1
        self._text = None

    def handle_data(self, data):
        if not self.depth:
            return
        if getattr(self, "_pending", False):
            self.controls[self._select["name"]]["selected"] = data
            self._pending = False
        if self._text:
            self.texts[self._text] = self.texts.get(self._text, "") + data


def widget_of(response):
    match = re.search(r'<script type="application/json">(.+?)</script>', response.content.decode())
    return json.loads(match.group(1))


def embed_url(meeting_type):
    return reverse("wagtail_pmc_booking:embed_frame", args=[meeting_type.slug])


def test_the_config_takes_prefill_tracking_and_language_from_the_request(asking):
    request = RequestFactory().get("/book/", PREFILL, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    config = widget_config(asking, request=request)
    assert config["language"] == "de"
    assert config["prefill"] == {
        "name": "Dana Scully",
        "email": "dana@example.com",
        "answers": {
            "company": "FBI",
            "goals": "Find the truth",
            "billing": "billing@example.com",
            "phone": "+1 202 555 0100",
            "team_size": "11-50",
            "consent": True,
        },
    }
    assert config["tracking"] == {
        "utm_source": "newsletter",
        "utm_campaign": "spring",
        "gclid": "abc123",
    }
    with translation.override("de"):
        assert config["strings"]["pickTitle"] == translation.gettext("Select a date & time")


def test_without_a_request_nothing_is_prefilled_or_tracked(product_demo):
    config = widget_config(product_demo)
    assert (config["prefill"], config["tracking"], config["language"]) == ({}, {}, "en")


def test_an_option_not_offered_and_a_bad_tracking_value_are_dropped(asking):
    query = {"team_size": "500+", "utm_source": "x" * 501, "utm_medium": "email"}
    config = widget_config(asking, request=RequestFactory().get("/", query))
    assert config["prefill"] == {}
    assert config["tracking"] == {"utm_medium": "email"}


def test_the_details_template_asks_every_question_with_its_prefill(client, asking):
    html = client.get(embed_url(asking), PREFILL).content.decode()
    parsed = Controls()
    parsed.feed(html)
    controls = parsed.controls
    assert list(controls) == [
        "attendee.name",
        "attendee.email",
        "answers.company",
        "answers.goals",
        "answers.billing",
        "answers.phone",
        "answers.team_size",
        "answers.consent",
        "notes",
    ]
    kinds = {name: (c["tag"], c.get("type")) for name, c in controls.items()}
    assert kinds == {
        "attendee.name": ("input", "text"),
        "attendee.email": ("input", "email"),
        "answers.company": ("input", "text"),
        "answers.goals": ("textarea", None),
        "answers.billing": ("input", "email"),
        "answers.phone": ("input", "tel"),
        "answers.team_size": ("select", None),
        "answers.consent": ("input", "checkbox"),
        "notes": ("textarea", None),
    }
    required = {name for name, c in controls.items() if "required" in c}
    expected = {"attendee.name", "attendee.email", "answers.company", "answers.team_size"}
    assert required == expected | {"answers.consent"}
    assert controls["attendee.name"]["value"] == "Dana Scully"
    assert controls["attendee.email"]["value"] == "dana@example.com"
    assert controls["answers.company"]["value"] == "FBI"
    assert controls["answers.phone"]["value"] == "+1 202 555 0100"
    assert parsed.texts[controls["answers.goals"]["id"]] == "Find the truth"
    assert controls["answers.team_size"]["selected"] == "11-50"
    assert "checked" in controls["answers.consent"]
    # Help text and the error element are tied to the control for screen readers.
    company = controls["answers.company"]
    error_id, help_id = company["aria-describedby"].split()
    assert parsed.texts[help_id] == "Legal name"
    assert error_id in parsed.ids
    assert "unrelated" not in html


def test_nothing_is_prefilled_without_a_query(client, asking):
    parsed = Controls()
    parsed.feed(client.get(embed_url(asking)).content.decode())
    assert parsed.controls["attendee.name"]["value"] == ""
    assert "checked" not in parsed.controls["answers.consent"]
    assert "selected" not in parsed.controls["answers.team_size"]


def test_a_german_browser_gets_german_strings_and_page(client, product_demo):
    response = client.get(embed_url(product_demo), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    config = widget_of(response)
    assert config["language"] == "de"
    with translation.override("de"):
        assert config["strings"]["timezone"] == translation.gettext("Time zone")
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert 'lang="de"' in html.split("data-pmc-widget", 1)[1][:40]


def test_a_german_browser_on_an_english_only_site_gets_english(client, product_demo, settings):
    settings.LANGUAGES = [("en", "English")]
    response = client.get(embed_url(product_demo), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert widget_of(response)["language"] == "en"
    assert widget_of(response)["strings"]["timezone"] == "Time zone"


def test_the_booking_page_renders_in_the_browsers_language(client, product_demo):
    page = ensure_home().add_child(
        instance=BookingPage(title="Book", slug="book", meeting_type=product_demo)
    )
    response = client.get(page.url + "?utm_source=ads", HTTP_ACCEPT_LANGUAGE="de")
    assert widget_of(response)["language"] == "de"
    assert widget_of(response)["tracking"] == {"utm_source": "ads"}
    assert '<html lang="de">' in response.content.decode()
    assert 'rel="icon" href="data:,"' in response.content.decode()
    # The next request, in English, is not left in German.
    assert widget_of(client.get(page.url))["language"] == "en"


def test_the_summary_names_the_host_or_the_team(client, product_demo, seed_host):
    seed_host.bio = "Ten years of demos."
    seed_host.save()
    html = client.get(embed_url(product_demo)).content.decode()
    assert "With Asha Rao" in html
    assert "Ten years of demos." in html
    other = type(seed_host).objects.create(name="Lena", slug="lena", email="lena@example.com")
    product_demo.hosts.add(other)
    product_demo.save()
    html = client.get(embed_url(product_demo)).content.decode()
    assert "With one of our team" in html
    assert "Ten years of demos." not in html


def test_the_confirmation_offers_google_outlook_microsoft_and_ics(client, product_demo):
    assert calendar_url_pattern() == "/booking/manage/{token}/calendar/{service}/"
    html = client.get(embed_url(product_demo)).content.decode()
    links = re.findall(r'<a class="pmc-button" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links == [
        ("/booking/manage/{token}/calendar/google/", "Add to Google Calendar"),
        ("/booking/manage/{token}/calendar/outlook/", "Outlook.com"),
        ("/booking/manage/{token}/calendar/office365/", "Microsoft 365"),
        ("/booking/manage/{token}/invite.ics", "Add to calendar (.ics)"),
    ]


def test_the_demo_answers_favicon_requests_with_no_content(rf):
    match = resolve("/favicon.ico", urlconf="example_site.urls")
    assert match.func(rf.get("/favicon.ico")).status_code == 204


def test_a_manage_page_prefills_the_bookings_own_attendee_and_answers(product_demo, seed_host):
    """After a cancel, "Choose another time" books again without asking the details anew."""
    from_booking = factories.booking_row(
        product_demo, seed_host, timezone.now(), answers={"company": "Acme"}
    )
    config = widget_config(product_demo, mode="cancel", booking=from_booking, manage_token="t")
    assert config["prefill"] == {
        "name": "Dana Scully",
        "email": "dana@example.com",
        "answers": {"company": "Acme"},
    }
