"""``manage.py pmc_calendar_sync``: one line per calendar, exit status 1 on a failure."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from wagtail_pmc_booking.models import BusyTime, HostCalendar

FEEDS = Path(__file__).parent / "feeds"
pytestmark = pytest.mark.django_db(transaction=True)


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("pmc_calendar_sync", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), exc.code
    return out.getvalue(), 0


@pytest.fixture
def calendars(feed_server):
    feed_server.serve("/g.ics", (FEEDS / "google.ics").read_text())
    feed_server.serve("/bad.ics", "no", status=404)
    ann = factories.make_host(slug="ann", timezone="Europe/Berlin")
    bob = factories.make_host(slug="bob", timezone="UTC")
    HostCalendar.objects.create(host=ann, name="Google", kind="ics", url=feed_server.url("/g.ics"))
    HostCalendar.objects.create(host=bob, name="Old", kind="ics", url=feed_server.url("/bad.ics"))
    return ann, bob


def test_every_calendar_gets_a_line_and_a_failure_exits_1(calendars):
    out, status = run()
    lines = out.strip().splitlines()
    assert lines[0].startswith("ann / Google: read ")
    assert "busy times" in lines[0]
    assert lines[1].startswith("bob / Old: ERROR ") and "404" in lines[1]
    assert status == 1


def test_host_filter_reads_only_that_host(calendars):
    out, status = run("--host", "ann")
    assert status == 0
    assert out.count("\n") == 1 and out.startswith("ann / Google")
    assert not BusyTime.objects.filter(host=calendars[1]).exists()


def test_unknown_slug_is_an_error(calendars):
    with pytest.raises(CommandError, match="nobody"):
        call_command("pmc_calendar_sync", "--host", "nobody")
