"""A site admin adds a webhook endpoint, copies its secret (shown once) and reads the
deliveries listing and one delivery's payload."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint

from .axe import assert_accessible
from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def test_admin_adds_an_endpoint_sees_the_secret_once_and_reads_deliveries(
    page, live_server, home, admin_user, product_demo, seed_host, shot
):
    booking = factories.make_booking_row(
        product_demo, seed_host, datetime.now(UTC) + timedelta(days=2)
    )
    log_in(page, live_server, admin_user)

    page.goto(f"{live_server.url}/admin/pmc-webhooks/new/")
    page.get_by_label("URL").fill("https://crm.example.com/pmc-hooks")
    page.get_by_label("Description").fill("CRM")
    page.get_by_label("Booking created").check()
    page.get_by_label("Booking cancelled").check()
    page.get_by_label("Product Demo").check()
    shot(page, "form")
    page.get_by_role("button", name="Create").click()

    secret_box = page.get_by_label(re.compile("Signing secret of"))
    expect(secret_box).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    assert secret_box.input_value() == endpoint.secret
    assert endpoint.events == ["booking.created", "booking.cancelled"]
    expect(page.get_by_role("link", name=re.compile("webhooks guide"))).to_be_visible()
    shot(page, "secret-once")
    assert_accessible(page)

    page.get_by_role("link", name="I have copied the secret").click()
    expect(page.get_by_role("link", name="https://crm.example.com/pmc-hooks")).to_be_visible()
    assert endpoint.secret not in page.content()
    expect(page.get_by_text(endpoint.secret_hint)).to_be_visible()
    shot(page, "endpoints")

    body = {
        "id": "evt_" + "a" * 26,
        "type": "booking.created",
        "data": {"booking": {"id": booking.public_id}},
    }
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        booking=booking,
        event_id="evt_" + "a" * 26,
        event_type="booking.created",
        payload=json.dumps(body, separators=(",", ":")),
        status="failed",
        attempts=12,
        last_status_code=500,
        last_error="HTTP 500",
        give_up_at=datetime.now(UTC),
    )
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/admin/pmc-webhook-deliveries/")
    row = page.get_by_role("row", name=re.compile("evt_a{26}"))
    expect(row).to_contain_text("Failed")
    expect(row.get_by_role("link", name=booking.public_id)).to_be_visible()
    expect(row.get_by_role("button", name=re.compile("Redeliver"))).to_be_visible()
    shot(page, "deliveries")
    assert_accessible(page)

    row.get_by_role("link", name="booking.created").click()
    expect(page.get_by_text('"type": "booking.created"')).to_be_visible()
    shot(page, "delivery")
    assert_accessible(page)


def test_a_disabled_endpoint_warns_on_the_dashboard_and_its_edit_page(
    page, live_server, home, admin_user, shot
):
    endpoint = WebhookEndpoint.objects.create(
        url="https://crm.example.com/pmc-hooks",
        description="CRM",
        is_active=False,
        failing_since=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        disabled_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        disabled_reason="HTTP 503",
    )
    log_in(page, live_server, admin_user)

    panel = page.locator("#pmc-webhooks-disabled-section")
    expect(panel).to_contain_text("after failing for 3 days: HTTP 503")
    shot(page, "dashboard")
    panel.get_by_role("link", name="Edit the endpoint").click()

    expect(page.get_by_role("alert")).to_contain_text("Disabled on")
    expect(page.locator("#pmc-webhook-secret-hint")).to_contain_text(endpoint.secret_hint)
    shot(page, "edit")
    assert_accessible(page)
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("'CRM' updated")).to_be_visible()
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_at is None
