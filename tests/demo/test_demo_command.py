"""`manage.py pmc_booking_demo` builds the seed's world and can run again safely."""

from datetime import date
from io import StringIO
from pathlib import Path

from django.contrib.auth import authenticate
from django.core.management import call_command

from wagtail_pmc_booking.management.commands.pmc_booking_demo import shifted_out_of_office
from wagtail_pmc_booking.models import AvailabilityWindow, Host, MeetingType, OutOfOffice


def run_demo():
    out = StringIO()
    call_command("pmc_booking_demo", stdout=out)
    return out.getvalue()


def test_demo_creates_the_seed_host_two_others_and_a_round_robin_type(db):
    run_demo()
    asha = Host.objects.get(slug="asha-rao")
    assert asha.timezone == "Asia/Kolkata"
    assert asha.durations == [15, 30, 45, 60]
    assert (asha.buffer_before_minutes, asha.buffer_after_minutes) == (10, 15)
    assert asha.availability_windows.count() == 10
    assert set(Host.objects.values_list("timezone", flat=True)) == {
        "Asia/Kolkata",
        "Europe/Berlin",
        "America/New_York",
    }
    demo = MeetingType.objects.get(slug="product-demo")
    assert demo.assignment == "round_robin"
    assert demo.durations == [15, 30, 45, 60]
    assert demo.hosts.count() == 3


def test_demo_adds_the_seed_out_of_office_dates(db):
    run_demo()
    asha = Host.objects.get(slug="asha-rao")
    seed = asha.out_of_office.filter(start_date__year=2026, start_date__month=4)
    assert {(o.start_date, o.start_time is None) for o in seed} >= {
        (date(2026, 4, 18), True),
        (date(2026, 4, 22), True),
        (date(2026, 4, 24), False),
    }


def test_running_the_demo_twice_creates_nothing_new(db):
    run_demo()
    counts = (
        Host.objects.count(),
        AvailabilityWindow.objects.count(),
        OutOfOffice.objects.count(),
        MeetingType.objects.count(),
    )
    run_demo()
    assert counts == (
        Host.objects.count(),
        AvailabilityWindow.objects.count(),
        OutOfOffice.objects.count(),
        MeetingType.objects.count(),
    )


def test_demo_prints_a_working_admin_password(db):
    output = run_demo()
    password = output.split("password: ")[1].split()[0]
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser


def test_out_of_office_pattern_is_shifted_whole_weeks_into_the_future():
    entries = shifted_out_of_office(date(2026, 11, 25))
    starts = [entry[0] for entry in entries]
    # The seed's Saturday, Wednesday and Friday stay on those weekdays, in the next week.
    assert starts == [date(2026, 12, 5), date(2026, 12, 9), date(2026, 12, 11)]
    assert [s.weekday() for s in starts] == [5, 2, 4]


def test_demo_prints_and_links_the_port_it_runs_on(db, settings):
    """``make demo PORT=8123`` exports BASE_URL: the admin URL, the Site and every
    link built without a request follow it (nothing says 8000)."""
    from wagtail.models import Site

    from tests.browser.helpers import ensure_home
    from wagtail_pmc_booking import links

    ensure_home()
    settings.WAGTAIL_PMC_BOOKING = {
        **settings.WAGTAIL_PMC_BOOKING,
        "BASE_URL": "http://127.0.0.1:8123",
    }
    out = run_demo()
    assert "Admin: http://127.0.0.1:8123/admin/" in out
    assert "8000" not in out
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "BASE_URL": ""}
    assert links.absolute_url("/booking/rebook/") == "http://127.0.0.1:8123/booking/rebook/"


def test_make_demo_passes_host_and_port_through():
    import subprocess

    dry = subprocess.run(
        ["make", "-n", "demo", "HOST=0.0.0.0", "PORT=8123"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert "runserver 0.0.0.0:8123" in dry
    assert "http://0.0.0.0:8123/admin/" in dry
