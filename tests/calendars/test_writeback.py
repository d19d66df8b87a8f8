"""Write-back: bookings land in hosts' CalDAV calendars (a real Radicale), follow
reschedules and cancels, move with a handover, and failures retry without touching the
booking."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from tests import factories
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking import signals
from wagtail_pmc_booking.calendars import parse, writeback
from wagtail_pmc_booking.models import Booking, BookingEvent, CalendarEvent, HostCalendar
from wagtail_pmc_booking.models.bookings import EventKind
from wagtail_pmc_booking.notifications import ics
from wagtail_pmc_booking.zoom.sandbox import SANDBOX_START_URL

OPEN_ALL_WEEK = {day: [(time(6), time(22))] for day in range(7)}
ATTENDEE = {
    "attendee_name": "Dana Scully",
    "attendee_email": "dana@example.com",
    "attendee_timezone": "America/New_York",
}


def at(hour, offset=3):
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=offset, hours=hour)


@pytest.fixture(autouse=True)
def clean_slate():
    cache.clear()
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()


def make_host(**fields):
    return factories.make_host(
        windows=OPEN_ALL_WEEK,
        timezone="UTC",
        buffer_before_minutes=0,
        buffer_after_minutes=0,
        **fields,
    )


def add_calendar(host, url, radicale, **fields):
    fields.setdefault("write_bookings", True)
    fields.setdefault("kind", "caldav")
    username, password = radicale.auth
    return HostCalendar.objects.create(
        host=host,
        name=fields.pop("name", "Work"),
        url=url,
        username=username,
        password=fields.pop("password", password),
        **fields,
    )


@pytest.fixture
def host(db):
    return make_host(name="Asha Rao", slug="asha")


@pytest.fixture
def meeting_type(host):
    return factories.make_meeting_type(
        hosts=[host], name="Product Demo", slug="product-demo", slot_interval_minutes=15
    )


@pytest.fixture
def book(committed, meeting_type):
    def book(start, meeting_type=meeting_type):
        return committed(booking_service.book, meeting_type, start=start, **ATTENDEE).booking

    return book


def only_event(radicale, url):
    events = radicale.events(url)
    assert len(events) == 1, events
    href, text = next(iter(events.items()))
    return href, icalendar.Calendar.from_ical(text)


def vevent(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def written_messages(booking):
    return list(
        BookingEvent.objects.filter(booking_id=booking.pk)
        .filter(kind__in=[EventKind.CALENDAR_WRITTEN, EventKind.CALENDAR_WRITE_FAILED])
        .order_by("pk")
        .values_list("kind", "message")
    )


def test_a_booking_is_written_as_the_invites_event(book, host, radicale, radicale_calendar):
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    href, calendar = only_event(radicale, radicale_calendar)
    event = vevent(calendar)
    assert "METHOD" not in calendar
    assert str(event["UID"]) == ics.uid(booking)
    assert int(event["SEQUENCE"]) == booking.sequence
    assert event.decoded("DTSTART") == booking.start
    assert event.decoded("DTEND") == booking.end
    assert "Product Demo" in str(event["SUMMARY"])
    assert str(event["ATTENDEE"]) == "mailto:dana@example.com"
    join_url = booking.meeting.join_url
    assert join_url and join_url in str(event["DESCRIPTION"])
    text = radicale.events(radicale_calendar)[href]
    start_url = SANDBOX_START_URL.format(id=booking.meeting.zoom_meeting_id)
    assert start_url not in text and "start_url" not in text
    row = CalendarEvent.objects.get(booking=booking)
    assert row.href.endswith(href) and row.etag and row.sequence == booking.sequence
    assert written_messages(booking) == [(EventKind.CALENDAR_WRITTEN, "Added to Work")]


def test_a_reschedule_updates_the_same_event_even_when_changed_on_the_server(
    book, committed, host, radicale, radicale_calendar
):
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    href, _ = only_event(radicale, radicale_calendar)
    first_etag = CalendarEvent.objects.get(booking=booking).etag
    # Someone edits the event in their calendar app: our stored ETag is now stale (412).
    text = radicale.events(radicale_calendar)[href].replace("Product Demo", "Edited elsewhere")
    radicale.put_event(radicale_calendar, href.rsplit("/", 1)[1].removesuffix(".ics"), text)

    moved = committed(booking_service.reschedule, booking, start=at(14)).booking

    new_href, calendar = only_event(radicale, radicale_calendar)
    event = vevent(calendar)
    assert new_href == href
    assert int(event["SEQUENCE"]) == moved.sequence > booking.sequence
    assert event.decoded("DTSTART") == at(14)
    assert "Edited elsewhere" not in str(event["SUMMARY"])
    row = CalendarEvent.objects.get(booking=booking)
    assert row.etag not in ("", first_etag) and row.sequence == moved.sequence
    assert written_messages(booking)[-1] == (EventKind.CALENDAR_WRITTEN, "Updated in Work")


def test_a_cancel_deletes_the_event(book, committed, host, radicale, radicale_calendar):
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    committed(booking_service.cancel, booking)
    assert radicale.events(radicale_calendar) == {}
    assert not CalendarEvent.objects.filter(booking=booking).exists()
    assert written_messages(booking)[-1] == (EventKind.CALENDAR_WRITTEN, "Removed from Work")


def test_a_handover_moves_the_event_to_the_new_hosts_calendar(committed, radicale, db):
    first, second = make_host(name="Asha"), make_host(name="Ben")
    first_url, second_url = radicale.make_calendar(), radicale.make_calendar()
    add_calendar(first, first_url, radicale, name="Asha's")
    add_calendar(second, second_url, radicale, name="Ben's")
    meeting_type = factories.make_meeting_type(
        hosts=[first, second], assignment="round_robin", slot_interval_minutes=15
    )
    booking = committed(booking_service.book, meeting_type, start=at(10), **ATTENDEE).booking
    old_url, new_url = (first_url, second_url) if booking.host == first else (second_url, first_url)
    assert len(radicale.events(old_url)) == 1 and radicale.events(new_url) == {}
    factories.make_booking_row(meeting_type, booking.host, at(14))  # the host is busy then

    moved = committed(booking_service.reschedule, booking, start=at(14)).booking

    assert moved.host != booking.host
    assert radicale.events(old_url) == {}
    _, calendar = only_event(radicale, new_url)
    assert vevent(calendar).decoded("DTSTART") == at(14)
    assert list(
        CalendarEvent.objects.filter(booking=booking).values_list("calendar__url", flat=True)
    ) == [new_url]


def test_only_write_bookings_caldav_calendars_are_written(book, host, radicale, radicale_calendar):
    add_calendar(host, radicale_calendar, radicale, write_bookings=False)
    other = radicale.make_calendar()
    add_calendar(host, other, radicale, kind="ics")
    booking = book(at(10))
    assert radicale.events(radicale_calendar) == {} and radicale.events(other) == {}
    assert not CalendarEvent.objects.filter(booking=booking).exists()


def booking_state(booking):
    return Booking.objects.filter(pk=booking.pk).values().get()


@pytest.mark.parametrize("broken", ["down", "unauthorized"])
def test_a_failing_calendar_retries_and_never_touches_the_booking(
    broken, book, host, radicale, radicale_calendar
):
    calendar = add_calendar(host, radicale_calendar, radicale, name="Home")
    if broken == "down":
        calendar.url = radicale_calendar.replace(str(radicale.port), "9")
    else:
        calendar.password = "wrong"
    calendar.save()
    good = add_calendar(host, radicale.make_calendar(), radicale, name="Work")

    booking = book(at(10))

    assert booking_state(booking)["status"] == "confirmed"
    before = booking_state(booking)
    assert len(radicale.events(good.url)) == 1  # the other calendar is still written
    failures = [m for k, m in written_messages(booking) if k == EventKind.CALENDAR_WRITE_FAILED]
    assert len(failures) == 1 and failures[0].startswith("Could not write to Home")
    assert radicale.auth[1] not in failures[0] and "wrong" not in failures[0]
    (retry,) = HUEY.scheduled()
    assert retry.args == (booking.pk, 1, False)

    calendar.url, calendar.password = radicale_calendar, radicale.auth[1]
    calendar.save()
    HUEY.storage.flush_all()
    retry.execute()

    assert len(radicale.events(radicale_calendar)) == 1
    assert HUEY.scheduled() == []
    assert booking_state(booking) == before
    assert CalendarEvent.objects.filter(booking=booking).count() == 2


def test_a_calendar_on_a_private_address_is_refused_by_the_ssrf_guard(
    book, host, radicale, radicale_calendar, settings
):
    add_calendar(host, radicale_calendar, radicale, name="Home")
    settings.WAGTAIL_PMC_BOOKING = {**settings.WAGTAIL_PMC_BOOKING, "ALLOW_PRIVATE_URLS": False}

    booking = book(at(10))

    assert booking_state(booking)["status"] == "confirmed"
    assert radicale.events(radicale_calendar) == {}
    failures = [m for k, m in written_messages(booking) if k == EventKind.CALENDAR_WRITE_FAILED]
    assert len(failures) == 1 and "127.0.0.1" in failures[0]
    assert not CalendarEvent.objects.filter(booking=booking).exists()


def test_the_product_s_own_events_are_not_busy_times(book, host, radicale, radicale_calendar):
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    text = requests.get(
        f"{radicale_calendar}", auth=radicale.auth, timeout=10
    ).text  # Radicale answers a collection GET with the whole calendar
    own = CalendarEvent.objects.get(booking=booking)
    assert ics.uid(booking) in text and own.href
    parsed = parse.busy_intervals(
        text,
        start=at(0),
        end=at(24),
        host_tz=ZoneInfo("UTC"),
        is_own_event=lambda uid: uid.endswith(ics.uid(booking).split("@", 1)[1]),
    )
    assert parsed.events_read == 1 and parsed.busy == []


def test_a_meeting_that_arrives_later_rewrites_the_event(book, host, radicale, radicale_calendar):
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    meeting = booking.meeting
    meeting.join_url, meeting.passcode = "https://zoom.us/j/4242424242", "k2x9"
    meeting.save()
    writeback.write_booking(booking.pk)  # same SEQUENCE: nothing to write
    assert "4242424242" not in vevent(only_event(radicale, radicale_calendar)[1])["DESCRIPTION"]

    signals.meeting_ready.send(sender=Booking, booking_pk=booking.pk)

    description = str(vevent(only_event(radicale, radicale_calendar)[1])["DESCRIPTION"])
    assert "https://zoom.us/j/4242424242" in description and "k2x9" in description


def test_a_second_writer_never_makes_a_second_event(book, host, radicale, radicale_calendar):
    """The row is lost (a writer that died before saving it): the next PUT's
    ``If-None-Match: *`` meets the object already there and takes it over."""
    add_calendar(host, radicale_calendar, radicale)
    booking = book(at(10))
    CalendarEvent.objects.filter(booking=booking).delete()

    writeback.write_booking(booking.pk)
    writeback.write_booking(booking.pk)

    assert len(radicale.events(radicale_calendar)) == 1
    row = CalendarEvent.objects.get(booking=booking)
    href, _ = only_event(radicale, radicale_calendar)
    assert row.href.endswith(href) and row.etag


def test_a_calendar_down_for_good_is_tried_six_times_then_left(book, host, radicale, caplog):
    calendar = add_calendar(host, radicale.make_calendar(), radicale, name="Home")
    calendar.url = f"http://127.0.0.1:9/{host.slug}/home/"  # port 9 refuses at once
    calendar.save()

    booking = book(at(10))
    before = booking_state(booking)
    delays = []
    while scheduled := HUEY.scheduled():
        (retry,) = scheduled
        delays.append(round((retry.eta - datetime.now(UTC).replace(tzinfo=None)).total_seconds()))
        HUEY.storage.flush_all()
        retry.execute()

    failures = [m for k, m in written_messages(booking) if k == EventKind.CALENDAR_WRITE_FAILED]
    assert len(failures) == 6  # the first try and five retries
    assert [round(d, -1) for d in delays] == [30, 60, 120, 240, 480]
    assert "Gave up writing booking" in caplog.text
    assert booking_state(booking) == before
    assert not CalendarEvent.objects.filter(booking=booking).exists()
