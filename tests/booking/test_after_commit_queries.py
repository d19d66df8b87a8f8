"""The after-commit work of a new booking stays a few queries per receiver.

It runs inside the booking request (Zoom within its inline budget, the reminder rows, the
queueing of emails and calendar writes), so each receiver's reads count toward the
request's latency. Counted as in ``test_queries``: transaction control left out, the
booking committed first with its announcement held back, then each receiver on its own.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.booking.conftest import ATTENDEE, NOW, ist
from tests.booking.test_queries import at_most_queries, transactions_opened
from wagtail_pmc_booking import booking as booking_service
from wagtail_pmc_booking.calendars import receivers as calendar_receivers
from wagtail_pmc_booking.changes import Change
from wagtail_pmc_booking.models import Reminder, ZoomDefaults, ZoomMeeting
from wagtail_pmc_booking.models.meetings import MeetingState
from wagtail_pmc_booking.notifications import receivers as notification_receivers
from wagtail_pmc_booking.reminders import plan
from wagtail_pmc_booking.zoom import reconcile


@pytest.fixture
def new_booking(transactional_db, product_demo, monkeypatch):
    """A committed booking whose receivers have not run yet."""
    with monkeypatch.context() as held:
        held.setattr(booking_service, "announce", lambda booking_pk, change: None)
        return booking_service.book(product_demo, start=ist(13, 10), now=NOW, **ATTENDEE).booking


def sync(booking, retries=None):
    """As the Zoom receiver runs it: the booking's own email carries the link."""
    schedule = (lambda pk, at: retries.append(pk)) if retries is not None else (lambda pk, at: None)
    return reconcile.sync_inline(booking.pk, schedule, announce=False)


# PostgreSQL holds a sync's lock in the database: its take and release are two statements.
LOCK = 2 if connection.vendor == "postgresql" else 0


def test_zoom_makes_the_meeting_in_at_most_eight_queries(new_booking):
    """Load the booking with its record, out of office, the record made with its attempt
    counted, the topic's defaults, the meeting written, its audit line and the webhook
    outbox's endpoints, the booking's revision checked."""
    ZoomDefaults.load()  # a site's defaults exist after its first meeting
    retries = []
    with at_most_queries(8 + LOCK):
        outcome = sync(new_booking, retries)
    record = ZoomMeeting.objects.get(booking=new_booking)
    assert (outcome.action, record.state, record.attempts, retries) == (
        "created",
        MeetingState.SYNCED,
        0,
        [],
    )
    assert record.zoom_user == new_booking.host.zoom_user
    assert record.join_url


def test_zoom_opens_one_transaction_for_the_audit_line_and_its_outbox(new_booking):
    """The record's insert is a lone statement: no BEGIN and COMMIT of its own."""
    ZoomDefaults.load()
    with CaptureQueriesContext(connection) as captured:
        sync(new_booking)
    begins = transactions_opened(captured)
    assert len(begins) == 1, begins


def test_a_second_sync_reads_and_changes_nothing(new_booking):
    sync(new_booking)
    before = ZoomMeeting.objects.values().get(booking=new_booking)
    with at_most_queries(2 + LOCK):  # the booking with its record, out of office
        outcome = sync(new_booking)
    assert outcome.action == "unchanged"
    assert ZoomMeeting.objects.values().get(booking=new_booking) == before


def test_emails_are_queued_after_one_query(new_booking, monkeypatch):
    queued = []
    monkeypatch.setattr(
        notification_receivers,
        "send_booking_email",
        lambda pk, notice, sequence, host_pk=None: queued.append((pk, notice, sequence, host_pk)),
    )
    with at_most_queries(1):
        notification_receivers.email_the_change(
            None, booking_pk=new_booking.pk, change=Change.CREATED
        )
    assert queued == [
        (new_booking.pk, Change.CREATED, 0, None),
        (new_booking.pk, Change.CREATED, 0, new_booking.host_id),
    ]


def test_the_calendar_check_is_one_query(new_booking, monkeypatch):
    queued = []
    monkeypatch.setattr(
        calendar_receivers, "write_booking_to_calendars", lambda pk, rewrite: queued.append(pk)
    )
    with at_most_queries(1):
        calendar_receivers.write_the_change(None, booking_pk=new_booking.pk, change=Change.CREATED)
    assert queued == []  # the seed host has no calendar to write to


def test_a_new_booking_plans_its_reminders_in_two_queries(new_booking):
    """Read the booking, insert the rows: a first revision has no older rows to drop."""
    with at_most_queries(2):
        rows = plan.plan(new_booking.pk, now=NOW)
    assert rows
    assert Reminder.objects.filter(booking=new_booking).count() == len(rows)


def test_host_reminders_add_only_the_co_hosts_read(new_booking):
    """The planner reads just the fields its rows are made of: no deferred field loads."""
    meeting_type = new_booking.meeting_type
    meeting_type.remind_hosts = True
    meeting_type.save()
    with at_most_queries(3):
        rows = plan.plan(new_booking.pk, now=NOW)
    assert {row.host_id for row in rows} == {None, new_booking.host_id}
