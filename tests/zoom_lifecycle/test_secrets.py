"""Start links, host keys, tokens and the client secret go nowhere but to Zoom and back.

One full run against the fake Zoom (which hands out start links with their ``zak`` and
OAuth tokens), then every place the app writes or answers is searched for them.
"""

import json
import logging

import pytest
from django.core import mail

from tests.zoom_lifecycle.conftest import at, meeting_of
from wagtail_pmc_booking.models import ApiKey, BookingEvent, ZoomMeeting
from wagtail_pmc_booking.zoom.sweep import sweep

pytestmark = pytest.mark.urls("tests.zoom_lifecycle.urls")


def _email_texts():
    for message in mail.outbox:
        yield message.subject
        yield message.body
        for content, _mimetype in getattr(message, "alternatives", []):
            yield str(content)
        for attachment in message.attachments:
            yield str(attachment[1] if isinstance(attachment, tuple) else attachment)


def test_no_secret_reaches_answers_emails_the_audit_trail_logs_or_the_database(
    client, admin_client, fake_zoom, book, reschedule, cancel, caplog
):
    caplog.set_level(logging.DEBUG)
    key = ApiKey.issue(name="All", scopes=["bookings:read", "zoom:write"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    answers = []

    def api(method, path, body=None):
        if method == "get":
            response = client.get(path, **auth)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json", **auth)
        answers.append(response.content.decode())
        return response

    booking = book(at(10))
    api("post", "/v1/integrations/zoom/meetings", {"bookingId": booking.public_id})
    api("get", f"/v1/bookings/{booking.public_id}")
    booking = reschedule(booking, at(12))
    api("post", "/v1/integrations/zoom/meetings", {"bookingId": booking.public_id, "topic": "T"})
    # A staff member starts the meeting: the link goes to their browser, nowhere else.
    started = admin_client.get(f"/admin/pmc-zoom/{booking.public_id}/start/")
    assert started.status_code == 302 and "zak=" in started["Location"]
    answers.append(admin_client.get("/admin/pmc-zoom/?state=all").content.decode())
    # A create whose answer is lost is found again with GETs, which carry start links.
    fake_zoom.fail_next("lost_response", method="POST")
    other = book(at(15))
    sweep(now=meeting_of(other).next_attempt_at)
    api("get", f"/v1/bookings/{other.public_id}")
    cancel(booking)
    cancel(other)

    secrets = fake_zoom.secret_values()
    assert fake_zoom.client_secret in secrets
    assert sum("zak=" in s for s in secrets) >= 4  # creates, gets and the staff start link
    assert mail.outbox, "booking emails were sent"
    places = {
        "API answers": answers,
        "emails": list(_email_texts()),
        "audit trail": [
            f"{e.kind} {e.message} {e.actor} {json.dumps(e.data)}"
            for e in BookingEvent.objects.all()
        ],
        "logs": [r.getMessage() + (r.exc_text or "") for r in caplog.records],
        "meeting records": [json.dumps(row, default=str) for row in ZoomMeeting.objects.values()],
    }
    for where, texts in places.items():
        for secret in secrets:
            leaked = [text for text in texts if secret in text]
            assert not leaked, f"a Zoom secret leaked into {where}"
    assert "zak" not in " ".join(places["meeting records"])
