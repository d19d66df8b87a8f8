"""How the Zoom package is put together: who may import whom, one session per process,
and state changes that a racing webhook cannot undo."""

from datetime import UTC, datetime, timedelta

import grimp
import pytest

from tests import factories
from wagtail_pmc_booking.models import ZoomMeeting
from wagtail_pmc_booking.models.meetings import MeetingState
from wagtail_pmc_booking.zoom.backends import BudgetedClient, BudgetSpent, get_client
from wagtail_pmc_booking.zoom.client import ZoomClient

ZOOM = "wagtail_pmc_booking.zoom"


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("wagtail_pmc_booking", include_external_packages=True)


def imported_by(graph, module):
    return {m for m in graph.find_modules_directly_imported_by(f"{ZOOM}.{module}")}


def test_the_http_client_and_the_sandbox_know_only_the_wire_and_the_errors(graph):
    for module in ("client", "sandbox"):
        ours = {m for m in imported_by(graph, module) if m.startswith(ZOOM)}
        assert ours <= {f"{ZOOM}.wire", f"{ZOOM}.errors", f"{ZOOM}.oauth"}, module


@pytest.mark.parametrize(
    "module", ["desired", "wire", "backends", "backoff", "locks", "ensure", "reconcile", "sweep"]
)
def test_only_the_entry_points_know_the_task_queue(graph, module):
    assert not graph.chain_exists(importer=f"{ZOOM}.{module}", imported=f"{ZOOM}.tasks")
    assert not graph.chain_exists(importer=f"{ZOOM}.{module}", imported="huey")


def test_the_model_knows_no_zoom_service(graph):
    assert not graph.chain_exists(
        importer="wagtail_pmc_booking.models.meetings", imported=ZOOM, as_packages=True
    )


def test_budgeted_calls_share_the_process_session_with_timeouts_cut_to_the_budget(fake_zoom):
    real = get_client()
    assert isinstance(real, ZoomClient)

    first, second = BudgetedClient(real, 0.3)._client(), BudgetedClient(real, 5)._client()

    assert first._session is second._session is real._session
    assert max(first.timeout) <= 0.3
    assert second.timeout == real.timeout
    assert get_client() is real


def test_a_spent_budget_makes_no_call(fake_zoom):
    with pytest.raises(BudgetSpent):
        BudgetedClient(get_client(), 0).get_meeting(1)

    assert fake_zoom.calls == []


@pytest.fixture
def record(db):
    host = factories.make_host(name="Asha Rao", slug="asha", zoom_user="asha@example.com")
    meeting_type = factories.make_meeting_type(hosts=[host], name="Demo", slug="demo")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    booking = factories.make_booking_row(meeting_type, host, start)
    return ZoomMeeting.objects.create(
        booking=booking,
        state=MeetingState.SYNCED,
        zoom_meeting_id=123,
        join_url="https://zoom.us/j/123",
        synced_sequence=booking.sequence,
        attempts=2,
    )


@pytest.mark.parametrize("recreate", [True, False])
def test_deleted_in_zoom_writes_the_same_fields_for_the_sync_and_the_webhook(record, recreate):
    now = datetime.now(UTC)

    assert record.deleted_in_zoom(sequence=4, recreate=recreate, note="gone", now=now)

    stored = ZoomMeeting.objects.get(pk=record.pk)
    assert (stored.zoom_meeting_id, stored.join_url, stored.attempts) == (None, "", 0)
    assert stored.last_error == "gone"
    if recreate:
        assert (stored.state, stored.synced_sequence) == (MeetingState.PENDING, None)
        assert stored.next_attempt_at == now
    else:
        assert (stored.state, stored.synced_sequence) == (MeetingState.DELETED, 4)
        assert stored.next_attempt_at is None
    assert (record.state, record.zoom_meeting_id) == (stored.state, None)


def test_a_webhook_about_a_replaced_meeting_changes_nothing(record):
    stale = ZoomMeeting.objects.get(pk=record.pk)
    record.forget_meeting()
    record.created(456, "https://zoom.us/j/456", "", sequence=1, is_sandbox=False)

    assert not stale.deleted_in_zoom(sequence=1, recreate=False, note="gone", now=datetime.now(UTC))
    assert not stale.changed_in_zoom(datetime.now(UTC))

    stored = ZoomMeeting.objects.get(pk=record.pk)
    assert (stored.zoom_meeting_id, stored.state, stored.synced_sequence) == (456, "synced", 1)
