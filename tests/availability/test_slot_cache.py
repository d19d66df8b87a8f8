"""Slot lists are reused briefly, and dropped the moment anything they depend on changes."""

from datetime import date, datetime

from tests.availability.test_read_service import IST, NOW, confirm_booking
from wagtail_pmc_booking import availability, slot_cache
from wagtail_pmc_booking.models import OutOfOffice

MONDAY = date(2026, 4, 13)


def monday_starts(meeting_type):
    days = availability.list_slots(
        meeting_type, start_date=MONDAY, end_date=MONDAY, tz="Asia/Kolkata", duration=30, now=NOW
    )
    return [s.start.astimezone(IST).strftime("%H:%M") for s in days.get(MONDAY, [])]


def test_the_same_listing_twice_reads_the_database_once(product_demo, django_assert_num_queries):
    first = monday_starts(product_demo)
    with django_assert_num_queries(0):
        assert monday_starts(product_demo) == first


def test_a_new_booking_drops_the_cached_listing(product_demo, seed_host):
    assert "10:00" in monday_starts(product_demo)
    confirm_booking(product_demo, seed_host, datetime(2026, 4, 13, 10, 0, tzinfo=IST))
    assert "10:00" not in monday_starts(product_demo)


def test_new_out_of_office_drops_the_cached_listing(product_demo, seed_host):
    assert monday_starts(product_demo)
    OutOfOffice.objects.create(host=seed_host, start_date=MONDAY, end_date=MONDAY)
    assert monday_starts(product_demo) == []


def test_changing_the_meeting_types_hosts_drops_the_cached_listing(product_demo):
    assert monday_starts(product_demo)
    product_demo.hosts.set([])
    product_demo.save()
    assert monday_starts(product_demo) == []


def test_the_cache_can_be_turned_off(product_demo, settings, django_assert_num_queries):
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "SLOTS_CACHE_SECONDS": 0}
    monday_starts(product_demo)
    # Hosts, hours (weekly and dated), out of office, bookings (as host or co-host); the
    # calendar busy times come from this version's copy.
    with django_assert_num_queries(4):
        monday_starts(product_demo)
    slot_cache.invalidate()
    with django_assert_num_queries(5):  # + calendar busy times, read once per version
        monday_starts(product_demo)


def test_an_unreachable_cache_means_computing_not_failing(product_demo, settings):
    expected = monday_starts(product_demo)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    OutOfOffice.objects.create(host=product_demo.hosts.get(), start_date=MONDAY, end_date=MONDAY)
    assert expected and monday_starts(product_demo) == []
