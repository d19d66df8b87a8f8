"""The host editor's profile for attendees: language (a select), photo (a Wagtail image)
and short bio, editable by site admins and by the host's owner on their own host."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission

from tests.admin.helpers import admin_url, form_errors, host_data, post_rejected, post_saved
from wagtail_pmc_booking.models import Host

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def image():
    return get_image_model().objects.create(title="Meera", file=get_test_image_file())


@pytest.fixture
def owner_may_choose_images(admin_access_group):
    """What a site gives host accounts so the photo chooser lists images."""
    GroupCollectionPermission.objects.create(
        group=admin_access_group,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(
            content_type__app_label="wagtailimages", codename="choose_image"
        ),
    )


def test_the_language_is_a_select_of_site_default_and_the_site_languages(admin_client, seed_host):
    response = admin_client.get(admin_url(Host, "edit", seed_host))
    field = response.context["form"].fields["language"]
    choices = list(field.widget.choices)
    assert choices[0] == ("", "Site default")
    assert [code for code, _name in choices[1:]] == ["en", "de", "fr", "es", "hi"]
    assert ("de", "Deutsch") in choices
    html = response.content.decode()
    assert '<select name="language"' in html


def test_an_admin_sets_language_photo_and_bio(admin_client, seed_host, image):
    data = host_data(seed_host, language="de", photo=image.pk, bio="Runs our demos.")
    post_saved(admin_client, admin_url(Host, "edit", seed_host), data)
    seed_host.refresh_from_db()
    assert (seed_host.language, seed_host.photo, seed_host.bio) == ("de", image, "Runs our demos.")


def test_a_language_the_site_does_not_speak_is_refused(admin_client, seed_host):
    data = host_data(seed_host, language="ja")
    response = post_rejected(admin_client, admin_url(Host, "edit", seed_host), data)
    assert "language" in form_errors(response)


def test_a_bio_over_500_characters_is_refused(admin_client, seed_host):
    data = host_data(seed_host, bio="x" * 501)
    response = post_rejected(admin_client, admin_url(Host, "edit", seed_host), data)
    assert "bio" in form_errors(response)


def test_the_owner_sets_their_own_language_photo_and_bio(
    owner_client, owned_host, image, owner_may_choose_images
):
    data = host_data(owned_host, language="fr", photo=image.pk, bio="Bonjour.")
    post_saved(owner_client, admin_url(Host, "edit", owned_host), data)
    owned_host.refresh_from_db()
    assert (owned_host.language, owned_host.photo, owned_host.bio) == ("fr", image, "Bonjour.")


def test_the_owner_picks_only_images_they_may_choose(owner_client, owned_host, image):
    """Without image permissions the chooser lists nothing, and a posted id is refused."""
    data = host_data(owned_host, photo=image.pk)
    response = post_rejected(owner_client, admin_url(Host, "edit", owned_host), data)
    assert "photo" in form_errors(response)


def test_a_photo_already_set_stays_valid_for_the_owner(owner_client, owned_host, image):
    owned_host.photo = image
    owned_host.save()
    post_saved(owner_client, admin_url(Host, "edit", owned_host), host_data(owned_host, bio="Hi"))
    owned_host.refresh_from_db()
    assert (owned_host.photo, owned_host.bio) == (image, "Hi")


def test_the_owner_cannot_set_another_host_s_profile(owner_client, owned_host, other_host):
    data = host_data(other_host, bio="Not mine")
    response = owner_client.post(admin_url(Host, "edit", other_host), data)
    assert response.status_code in (302, 403)
    other_host.refresh_from_db()
    assert other_host.bio == ""
