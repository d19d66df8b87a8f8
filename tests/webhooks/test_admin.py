"""The webhooks admin: endpoints (secret once, roll, re-enable, disabled notices) and
deliveries (filters, payload, redeliver), for site admins (superusers) only."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory, override_settings
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import admin_menu

from tests import factories
from wagtail_pmc_booking.models import WebhookDelivery, WebhookEndpoint
from wagtail_pmc_booking.models.webhooks import ROLLED_SECRET_HOURS

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def url(name, *args):
    return reverse(name, args=args)


def endpoints_url(view, *args):
    return url(f"pmc_webhook_endpoints:{view}", *args)


def deliveries_url(view, *args):
    return url(f"pmc_webhook_deliveries:{view}", *args)


def is_denied(response):
    """403, or Wagtail's redirect to the dashboard for a PermissionDenied."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def manager(admin_access_group):
    """A site admin by group, not a superuser: every permission of the app's models."""
    group = Group.objects.create(name="Booking managers")
    group.permissions.add(
        *admin_access_group.permissions.all(),
        *Permission.objects.filter(content_type__app_label="wagtail_pmc_booking"),
    )
    return factories.make_user("manager", group)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def endpoint(db):
    return WebhookEndpoint.objects.create(url="https://crm.example.com/hooks", description="CRM")


@pytest.fixture
def booking(product_demo, seed_host):
    return factories.make_booking_row(product_demo, seed_host, NOW + timedelta(days=3))


def form_data(**fields):
    data = {"url": "https://crm.example.com/hooks", "description": "CRM", "is_active": "on"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def payload(event_id, event_type, booking):
    body = {
        "id": event_id,
        "type": event_type,
        "createdAt": "2026-03-02T09:00:00Z",
        "data": {"booking": {"id": booking.public_id if booking else None}, "sequence": 0},
    }
    return json.dumps(body, separators=(",", ":"))


def make_delivery(endpoint, booking=None, *, event_type="booking.created", status="failed", **f):
    event_id = f.pop("event_id", None) or f"evt_{WebhookDelivery.objects.count():026d}"
    created_at = f.pop("created_at", NOW)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        booking=booking,
        event_id=event_id,
        event_type=event_type,
        payload=payload(event_id, event_type, booking),
        status=status,
        give_up_at=created_at + timedelta(hours=24),
        **f,
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=created_at)
    return delivery


def listed(client, query=""):
    response = client.get(deliveries_url("index") + query)
    assert response.status_code == 200
    return [delivery.event_id for delivery in response.context["object_list"]]


def bookings_submenu_labels(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    [group] = [
        item for item in admin_menu.menu_items_for_request(request) if item.name == "bookings"
    ]
    return [str(item.label) for item in group.menu.menu_items_for_request(request)]


# Endpoints: the secret once, then its last four characters only


def test_creating_shows_the_whole_secret_once_and_how_to_verify(admin_client, product_demo):
    response = admin_client.post(
        endpoints_url("add"),
        form_data(events=["booking.created", "booking.cancelled"], meeting_types=[product_demo.pk]),
    )

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    html = response.content.decode()
    assert endpoint.secret in html
    assert "X-PMC-Signature" in html and "docs/webhooks.md" in html
    assert "no-store" in response["Cache-Control"]
    assert endpoint.events == ["booking.created", "booking.cancelled"]
    assert list(endpoint.meeting_types.all()) == [product_demo]
    assert endpoint.wants("booking.created", product_demo.pk)
    assert not endpoint.wants("booking.rescheduled", product_demo.pk)


def test_no_events_ticked_means_all_of_them(admin_client, product_demo):
    admin_client.post(endpoints_url("add"), form_data())

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == []
    assert endpoint.wants("booking.no_show", product_demo.pk)


def test_after_creation_only_the_last_four_characters_are_shown(admin_client, endpoint):
    for page in (endpoints_url("index"), endpoints_url("edit", endpoint.pk)):
        html = admin_client.get(page).content.decode()
        assert endpoint.secret not in html
        assert endpoint.secret[-4:] in html
        assert endpoint.secret_hint in html


@override_settings(WAGTAIL_PMC_BOOKING={"ALLOW_PRIVATE_URLS": False})
@pytest.mark.parametrize(
    "address", ["http://127.0.0.1:8000/hook", "http://169.254.169.254/latest", "ftp://crm.example"]
)
def test_an_address_the_server_must_not_call_is_a_url_error_and_nothing_is_saved(
    admin_client, address
):
    response = admin_client.post(endpoints_url("add"), form_data(url=address))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["url"]
    assert not WebhookEndpoint.objects.exists()


@override_settings(WAGTAIL_PMC_BOOKING={"ALLOW_PRIVATE_URLS": False})
def test_editing_to_a_private_address_changes_nothing(admin_client, endpoint):
    response = admin_client.post(
        endpoints_url("edit", endpoint.pk), form_data(url="http://10.0.0.8/hook", description="X")
    )

    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == ("https://crm.example.com/hooks", "CRM")


def test_rolling_asks_first_then_shows_the_new_secret_once(admin_client, endpoint):
    old = endpoint.secret
    roll = endpoints_url("roll_secret", endpoint.pk)
    confirm = admin_client.get(roll)
    assert confirm.status_code == 200
    assert old not in confirm.content.decode()
    assert WebhookEndpoint.objects.get().secret == old  # a GET rolls nothing

    with time_machine.travel(NOW, tick=False):
        response = admin_client.post(roll)

    endpoint.refresh_from_db()
    html = response.content.decode()
    assert endpoint.secret != old and endpoint.secret in html
    assert f"{ROLLED_SECRET_HOURS} hours" in html
    assert "no-store" in response["Cache-Control"]
    assert endpoint.signing_secrets(NOW + timedelta(hours=23)) == [endpoint.secret, old]
    assert endpoint.signing_secrets(NOW + timedelta(hours=25)) == [endpoint.secret]
    edit = admin_client.get(endpoints_url("edit", endpoint.pk)).content.decode()
    assert endpoint.secret not in edit and old not in edit


def test_the_edit_page_offers_roll_secret(admin_client, endpoint):
    html = admin_client.get(endpoints_url("edit", endpoint.pk)).content.decode()
    assert endpoints_url("roll_secret", endpoint.pk) in html


def test_switching_a_disabled_endpoint_back_on_forgets_its_failures(admin_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False,
        failing_since=NOW - timedelta(days=3),
        disabled_at=NOW,
        disabled_reason="HTTP 500",
    )

    admin_client.post(endpoints_url("edit", endpoint.pk), form_data())

    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert (endpoint.failing_since, endpoint.disabled_at, endpoint.disabled_reason) == (
        None,
        None,
        "",
    )


def test_editing_a_failing_endpoint_keeps_its_failing_since(admin_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=NOW)

    admin_client.post(endpoints_url("edit", endpoint.pk), form_data(description="CRM (EU)"))

    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.failing_since) == ("CRM (EU)", NOW)


@pytest.fixture
def disabled(endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False,
        failing_since=NOW - timedelta(days=3),
        disabled_at=NOW,
        disabled_reason="HTTP 503 from https://crm.example.com/hooks",
    )
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


PANEL = 'id="pmc-webhooks-disabled-section"'
NOTICE = re.compile(
    r"Disabled on March 2, 2026, 9(:00)? a\.m\. after failing for 3 days: "
    r"HTTP 503 from https://crm\.example\.com/hooks"
)


def test_a_disabled_endpoint_is_a_warning_on_the_list_and_its_edit_page(admin_client, disabled):
    for page in (endpoints_url("index"), endpoints_url("edit", disabled.pk)):
        html = admin_client.get(page).content.decode()
        assert NOTICE.search(html), html


def test_the_dashboard_warns_site_admins_while_an_endpoint_is_disabled(
    admin_client, manager_client, disabled
):
    home = reverse("wagtailadmin_home")
    html = admin_client.get(home).content.decode()
    assert NOTICE.search(html)
    assert PANEL in html
    assert endpoints_url("edit", disabled.pk) in html

    assert not NOTICE.search(manager_client.get(home).content.decode())


def test_no_dashboard_notice_for_a_paused_endpoint(admin_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    assert (
        "pmc-webhooks-disabled"
        not in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    )


# Site admins only


def test_a_group_with_every_permission_is_still_refused(manager_client, endpoint, booking):
    delivery = make_delivery(endpoint, booking)
    pages = [
        endpoints_url("index"),
        endpoints_url("add"),
        endpoints_url("edit", endpoint.pk),
        endpoints_url("delete", endpoint.pk),
        endpoints_url("roll_secret", endpoint.pk),
        deliveries_url("index"),
        deliveries_url("inspect", delivery.pk),
    ]
    for page in pages:
        assert is_denied(manager_client.get(page)), page
    assert is_denied(manager_client.post(endpoints_url("roll_secret", endpoint.pk)))
    assert is_denied(manager_client.post(deliveries_url("redeliver", delivery.pk)))
    assert is_denied(manager_client.post(endpoints_url("add"), form_data(url="https://x.example")))

    assert WebhookEndpoint.objects.get().secret == endpoint.secret
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookDelivery.objects.get().status == "failed"


def test_the_menu_shows_webhooks_to_superusers_only(admin_user, manager):
    assert bookings_submenu_labels(admin_user)[-2:] == ["Webhooks", "Webhook deliveries"]
    assert not {"Webhooks", "Webhook deliveries"} & set(bookings_submenu_labels(manager))


def test_no_webhook_permission_is_offered_to_groups(db):
    offered = {
        permission.codename
        for hook in hooks.get_hooks("register_permissions")
        for permission in hook()
    }
    assert offered and not {name for name in offered if "webhook" in name}


# Deliveries


def test_deliveries_are_listed_newest_first_with_their_booking_linked(
    admin_client, endpoint, booking
):
    make_delivery(endpoint, booking, event_id="evt_old", created_at=NOW - timedelta(hours=2))
    make_delivery(endpoint, booking, event_id="evt_new", status="delivered", last_status_code=204)

    response = admin_client.get(deliveries_url("index"))

    assert [d.event_id for d in response.context["object_list"]] == ["evt_new", "evt_old"]
    html = response.content.decode()
    assert url("pmc_bookings:inspect", booking.pk) in html
    assert booking.public_id in html and "204" in html and "CRM" in html


def test_deliveries_filter_by_endpoint_event_and_status(admin_client, endpoint, booking):
    other = WebhookEndpoint.objects.create(url="https://erp.example.com/in", description="ERP")
    make_delivery(endpoint, booking, event_id="evt_a", status="failed")
    make_delivery(
        endpoint, booking, event_id="evt_b", event_type="booking.cancelled", status="delivered"
    )
    make_delivery(other, booking, event_id="evt_c", status="pending")

    assert listed(admin_client, f"?endpoint={other.pk}") == ["evt_c"]
    assert listed(admin_client, "?event_type=booking.cancelled") == ["evt_b"]
    assert listed(admin_client, "?status=failed") == ["evt_a"]
    assert listed(admin_client, "?status=pending") == ["evt_c"]


def test_deliveries_are_found_by_event_id_or_booking_id(
    admin_client, endpoint, booking, product_demo, seed_host
):
    later = factories.make_booking_row(product_demo, seed_host, NOW + timedelta(days=5))
    make_delivery(endpoint, booking, event_id="evt_0000000000000000000000abcd")
    make_delivery(endpoint, later, event_id="evt_0000000000000000000000wxyz")

    assert listed(admin_client, "?q=abcd") == ["evt_0000000000000000000000abcd"]
    assert listed(admin_client, f"?q={later.public_id}") == ["evt_0000000000000000000000wxyz"]


def test_deliveries_are_listed_fifty_a_page(admin_client, endpoint):
    for index in range(51):
        make_delivery(
            endpoint, event_id=f"evt_{index:026d}", created_at=NOW + timedelta(seconds=index)
        )

    assert len(listed(admin_client)) == 50
    assert listed(admin_client, "?p=2") == [f"evt_{0:026d}"]


def test_a_delivery_shows_its_payload_pretty_printed(admin_client, endpoint, booking):
    delivery = make_delivery(endpoint, booking, last_error="HTTP 500", last_status_code=500)

    html = admin_client.get(deliveries_url("inspect", delivery.pk)).content.decode()

    assert "&quot;type&quot;: &quot;booking.created&quot;,\n" in html
    assert (
        f"    &quot;booking&quot;: {{\n      &quot;id&quot;: &quot;{booking.public_id}&quot;"
        in html
    )
    assert "HTTP 500" in html
    assert deliveries_url("redeliver", delivery.pk) in html


def test_a_pending_delivery_offers_no_redeliver_and_a_post_changes_nothing(admin_client, endpoint):
    delivery = make_delivery(endpoint, status="pending", next_attempt_at=NOW)
    redeliver = deliveries_url("redeliver", delivery.pk)

    assert (
        redeliver not in admin_client.get(deliveries_url("inspect", delivery.pk)).content.decode()
    )
    assert redeliver not in admin_client.get(deliveries_url("index")).content.decode()
    admin_client.post(redeliver)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == ("pending", NOW)


def test_redeliver_is_a_post(admin_client, endpoint):
    delivery = make_delivery(endpoint)

    assert admin_client.get(deliveries_url("redeliver", delivery.pk)).status_code == 405
    assert WebhookDelivery.objects.get().status == "failed"


def test_redeliver_refuses_a_switched_off_endpoint(admin_client, endpoint):
    delivery = make_delivery(endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    admin_client.post(deliveries_url("redeliver", delivery.pk))

    assert WebhookDelivery.objects.get().status == "failed"


@pytest.mark.parametrize("status", ["failed", "delivered"])
def test_redeliver_sends_the_same_event_again_to_a_real_receiver(
    admin_client, receiver, booking, status, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, description="Loopback")
    receiver.secret = endpoint.secret
    delivery = make_delivery(
        endpoint, booking, status=status, attempts=7, last_status_code=500, last_error="HTTP 500"
    )
    stored, event_id = delivery.payload, delivery.event_id

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(deliveries_url("redeliver", delivery.pk))

    assert response.status_code == 302
    [received] = receiver.requests
    assert received.body == stored.encode()
    assert received.delivery_id == event_id
    assert received.headers["X-PMC-Event"] == "booking.created"
    assert received.verified
    delivery.refresh_from_db()
    assert (delivery.status, delivery.event_id, delivery.attempts) == ("delivered", event_id, 8)
    assert 200 <= delivery.last_status_code < 300
