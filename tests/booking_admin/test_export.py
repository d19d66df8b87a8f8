"""The CSV export of the listing: the promised columns, UTC times, and the filtered rows."""

import csv
import io

from tests.booking_admin.conftest import add_meeting, index_url, local
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.models import Attendance

HEADINGS = [
    "Booking id",
    "Status",
    "Meeting type",
    "Host",
    "Start (UTC)",
    "End (UTC)",
    "Length (minutes)",
    "Attendee name",
    "Attendee email",
    "Attendee timezone",
    "Attendee language",
    "Zoom state",
    "Created (UTC)",
    "Attendance",
    "Other answers",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
    "fbclid",
]


def export(client, query=""):
    """The CSV rows (headings first) the listing exports with ``query``."""
    separator = "&" if query else "?"
    response = client.get(index_url(query) + f"{separator}export=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bookings.csv"'
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_the_promised_columns(admin_client, booking):
    assert export(admin_client)[0] == HEADINGS


def test_csv_export_writes_a_booking_with_utc_times(admin_client, booking):
    add_meeting(booking, "synced")

    [_headings, row] = export(admin_client)

    start = local(3, 10).astimezone(booking.start.tzinfo)
    assert row[:4] == [booking.public_id, "confirmed", "Product Demo", "Meera Nair"]
    assert row[4:6] == [f"{start:%Y-%m-%d}T04:30:00Z", f"{start:%Y-%m-%d}T05:00:00Z"]
    assert row[6:10] == ["30", "Dana Scully", "dana@example.com", "America/New_York"]
    assert row[10:12] == ["English", "synced"]
    assert row[12] == booking.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_csv_export_leaves_zoom_state_empty_without_a_meeting(admin_client, booking):
    [_headings, row] = export(admin_client)

    assert row[HEADINGS.index("Zoom state")] == ""


def test_csv_export_writes_attendance_as_the_api_names_it(admin_client, book):
    unknown, no_show = book(local(2, 10)), book(local(3, 10))
    Attendance.objects.create(booking=no_show, status="no_show")

    rows = {row[0]: row for row in export(admin_client)[1:]}

    column = HEADINGS.index("Attendance")
    assert rows[unknown.public_id][column] == "unknown"
    assert rows[no_show.public_id][column] == "no_show"


def test_csv_export_contains_only_the_filtered_bookings(admin_client, book):
    cancelled = book(local(2, 10))
    booking_service.cancel(cancelled)
    book(local(3, 10))

    rows = export(admin_client, "?status=cancelled")[1:]

    assert [row[0] for row in rows] == [cancelled.public_id]


def test_csv_export_contains_only_the_searched_bookings(admin_client, book):
    book(local(3, 10))
    fox = book(local(4, 10), attendee_name="Fox Mulder", attendee_email="fox@example.com")

    assert [row[0] for row in export(admin_client, "?q=mulder")[1:]] == [fox.public_id]


def test_csv_export_keeps_attendee_text_from_running_as_a_formula(admin_client, book):
    book(local(3, 10), attendee_name='=HYPERLINK("http://evil.example","x")')

    [_headings, row] = export(admin_client)

    assert row[HEADINGS.index("Attendee name")] == '\'=HYPERLINK("http://evil.example","x")'
