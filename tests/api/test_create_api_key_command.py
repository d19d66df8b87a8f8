"""``manage.py pmc_create_api_key``: prints the key once, to stdout alone, for scripts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wagtail_pmc_booking.api.auth import find_key
from wagtail_pmc_booking.models import ApiKey

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("pmc_create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_key_is_printed_alone_on_stdout_and_works():
    plaintext, _ = run("--name", "CRM", "--scopes", "bookings:read,bookings:write")
    assert plaintext.startswith("pmc_live_") and "\n" not in plaintext
    key = find_key(plaintext)
    assert key.name == "CRM"
    assert key.scopes == ["bookings:read", "bookings:write"]


def test_the_note_goes_to_stderr_without_the_key():
    plaintext, note = run("--name", "CRM", "--scopes", "zoom:write")
    assert "cannot be shown again" in note
    assert plaintext not in note


def test_test_keys_use_the_test_prefix():
    plaintext, _ = run("--name", "CI", "--scopes", "zoom:write", "--test")
    assert plaintext.startswith("pmc_test_")
    assert ApiKey.objects.get().mode == "test"


def test_an_unknown_scope_is_refused_without_creating_a_key():
    with pytest.raises(CommandError):
        run("--name", "CRM", "--scopes", "bookings:read,admin")
    assert not ApiKey.objects.exists()
