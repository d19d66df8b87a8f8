"""Editors set Zoom defaults once in Settings; new meeting types start from them."""

from django.urls import reverse

from wagtail_pmc_booking.models import MeetingType, ZoomDefaults
from wagtail_pmc_booking.models.settings import format_topic


def test_new_meeting_type_form_starts_from_the_site_zoom_defaults(admin_client):
    defaults = ZoomDefaults.load()
    defaults.passcode = False
    defaults.waiting_room = False
    defaults.save()
    response = admin_client.get(reverse("wagtailsnippets_wagtail_pmc_booking_meetingtype:add"))
    form = response.context["form"]
    assert form.initial["zoom_passcode"] is False
    assert form.initial["zoom_waiting_room"] is False


def test_existing_meeting_type_keeps_its_own_zoom_policy(admin_client, product_demo):
    ZoomDefaults.objects.update_or_create(defaults={"passcode": False})
    response = admin_client.get(
        reverse("wagtailsnippets_wagtail_pmc_booking_meetingtype:edit", args=[product_demo.pk])
    )
    assert response.context["form"].initial["zoom_passcode"] is True
    assert MeetingType.objects.get(pk=product_demo.pk).zoom_passcode is True


def test_topic_template_fills_placeholders_and_survives_bad_ones():
    assert (
        format_topic(
            "{meeting_type} with {attendee}", meeting_type="Demo", attendee="Asha", host="H"
        )
        == "Demo with Asha"
    )
    assert format_topic("{nope} {0}", meeting_type="Demo", attendee="A", host="H") == "Demo"


def test_zoom_defaults_settings_page_renders(admin_client):
    url = reverse("wagtailsettings:edit", args=["wagtail_pmc_booking", "zoomdefaults"])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert b"{meeting_type} with {attendee}" in response.content
