"""The booking service keeps answers, tracking and language, or refuses them and writes nothing."""

from datetime import timedelta

import pytest

from tests.booking.conftest import NOW, ist
from tests.factories import SAMPLE_QUESTIONS
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import links
from wagtail_pmc_booking.exceptions import InvalidBookingRequest
from wagtail_pmc_booking.models import Booking


@pytest.fixture
def asking(product_demo):
    product_demo.questions = SAMPLE_QUESTIONS
    product_demo.save()
    return product_demo


def test_answers_tracking_and_language_are_stored(book_slot, asking):
    booking = book_slot(
        ist(13, 10),
        answers={"company": " Acme ", "team_size": "11-50", "consent": True},
        tracking={"utm_source": "newsletter", "gclid": "abc"},
        language="de-DE",
    ).booking
    booking.refresh_from_db()
    assert booking.answers == {"company": "Acme", "team_size": "11-50", "consent": True}
    assert booking.tracking == {"utm_source": "newsletter", "gclid": "abc"}
    assert booking.language == "de"


def test_without_a_language_the_site_default_is_stored(book_slot):
    assert book_slot(ist(13, 10)).booking.language == "en"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"consent": True}, "answers.company"),
        ({"company": "Acme", "consent": True, "budget": "1k"}, "answers.budget"),
        ({"company": "Acme", "consent": True, "team_size": "500+"}, "answers.team_size"),
        ({"company": "Acme", "consent": "yes"}, "answers.consent"),
        ({"company": "Acme", "consent": False}, "answers.consent"),
        ({"company": 42, "consent": True}, "answers.company"),
        (["Acme"], "answers"),
    ],
)
def test_bad_answers_name_their_field_and_write_nothing(book_slot, asking, answers, field):
    with pytest.raises(InvalidBookingRequest) as caught:
        book_slot(ist(13, 10), answers=answers)
    assert field in caught.value.fields
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("tracking", "language", "field"),
    [
        ({"utm_source": "x", "ref": "y"}, None, "tracking.ref"),
        ({"utm_source": 3}, None, "tracking.utm_source"),
        ("utm_source=x", None, "tracking"),
        (None, "xx", "attendee_language"),
        (None, 7, "attendee_language"),
    ],
)
def test_bad_tracking_or_language_is_refused(book_slot, tracking, language, field):
    with pytest.raises(InvalidBookingRequest) as caught:
        book_slot(ist(13, 10), tracking=tracking, language=language)
    assert field in caught.value.fields
    assert not Booking.objects.exists()


def test_a_rebooking_keeps_answers_still_asked_tracking_and_language(book_slot, asking):
    old = book_slot(
        ist(13, 10),
        answers={"company": "Acme", "consent": True, "team_size": "1-10"},
        tracking={"utm_campaign": "spring"},
        language="fr",
    ).booking
    booking_service.cancel(old, now=NOW)
    asking.questions = [q for q in SAMPLE_QUESTIONS if q[1]["key"] != "team_size"]
    asking.save()

    made = booking_service.rebook(links.rebook_offer(old, old.start + timedelta(hours=1)), now=NOW)

    assert made.booking.answers == {"company": "Acme", "consent": True}
    assert made.booking.tracking == {"utm_campaign": "spring"}
    assert made.booking.language == "fr"


def test_a_rebooking_is_not_refused_for_a_required_question_added_since(book_slot, product_demo):
    old = book_slot(ist(13, 10)).booking
    booking_service.cancel(old, now=NOW)
    product_demo.questions = SAMPLE_QUESTIONS
    product_demo.save()

    made = booking_service.rebook(links.rebook_offer(old, old.start + timedelta(hours=1)), now=NOW)

    assert made.booking.is_confirmed and made.booking.answers == {}
