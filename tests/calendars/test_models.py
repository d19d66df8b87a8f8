"""A host calendar's password is stored encrypted; busy times go with their calendar."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import override_settings

from tests import factories
from wagtail_pmc_booking.models import BusyTime, HostCalendar

pytestmark = pytest.mark.django_db


def stored_password(calendar):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT password FROM {HostCalendar._meta.db_table} WHERE id = %s", [calendar.pk]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def calendar():
    return HostCalendar.objects.create(
        host=factories.make_host(),
        name="Work",
        kind="caldav",
        url="https://caldav.example.com/asha/work/",
        username="asha",
        password="app-specific-secret",
    )


def test_the_password_is_stored_encrypted_and_read_back_plain(calendar):
    raw = stored_password(calendar)

    assert "app-specific-secret" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert HostCalendar.objects.get().password == "app-specific-secret"


def test_an_empty_password_stays_empty(calendar):
    calendar.password = ""
    calendar.save()

    assert stored_password(calendar) == ""
    assert HostCalendar.objects.get().password == ""


def test_the_calendar_key_setting_is_used_when_set(calendar):
    with override_settings(WAGTAIL_PMC_BOOKING={"CALENDAR_ENCRYPTION_KEY": "a-key-of-its-own"}):
        # Encrypted under SECRET_KEY: unreadable with another key, read as "enter it again".
        assert HostCalendar.objects.get().password == ""
        calendar.password = "new-secret"
        calendar.save()
        assert HostCalendar.objects.get().password == "new-secret"
    assert HostCalendar.objects.get().password == ""


def test_a_rotated_secret_key_still_reads_passwords_through_its_fallbacks(calendar, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key", [old]

    assert HostCalendar.objects.get().password == "app-specific-secret"


def test_busy_times_go_with_their_calendar_and_host(calendar):
    BusyTime.objects.create(
        calendar=calendar,
        host=calendar.host,
        start=datetime(2026, 4, 14, 9, tzinfo=UTC),
        end=datetime(2026, 4, 14, 10, tzinfo=UTC),
    )

    calendar.host.delete()

    assert not HostCalendar.objects.exists()
    assert not BusyTime.objects.exists()
