"""Explicit requests for a meeting: the API's ``POST /integrations/zoom/meetings`` and
the admin's "resync now".

Someone is waiting for these, so they try at once, whatever the retry time of an earlier
failure, within the inline budget; what Zoom does not finish in time is queued.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from .. import audit
from ..conf import booking_settings
from ..models import Booking, ZoomMeeting
from ..models.bookings import EventKind
from ..models.meetings import MeetingState
from . import tasks
from .desired import SkipReason, Want, desired_state, in_sync, meeting_overrides, meeting_topic
from .outcomes import Outcome
from .reconcile import record_of, sync_inline, sync_meeting


class AnswerStatus(StrEnum):
    OK = "ok"
    QUEUED = "queued"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class MeetingAnswer:
    """What ``POST /integrations/zoom/meetings`` answers: ok, queued or skipped (why)."""

    status: AnswerStatus
    record: ZoomMeeting | None
    reason: SkipReason | None = None


def request_meeting(
    booking: Booking, *, topic: str | None = None, duration: int | None = None
) -> MeetingAnswer:
    """The meeting the API promises for a confirmed booking; safe to repeat.

    Made if Zoom answers within the inline budget, else queued; skipped (no Zoom call)
    when the booking wants none. ``topic``/``duration`` that differ from the meeting's
    are recorded and sent. A sandbox booking's meeting is made in the sandbox.
    """
    record = record_of(booking.pk)
    desired = desired_state(booking)
    budget = booking_settings.ZOOM_INLINE_BUDGET_SECONDS
    if (
        record is not None
        and record.state == MeetingState.DELETED
        and desired.action == Want.PRESENT
    ):
        # Deleted in Zoom and left so: asking for the meeting explicitly brings it back.
        record.asked_again()
    if desired.action == Want.SKIP:
        sync_meeting(booking.pk, budget=budget, force=True)
        return MeetingAnswer(AnswerStatus.SKIPPED, record_of(booking.pk), desired.reason)
    if topic is not None or duration is not None:
        _set_overrides(booking, record, topic, duration)
    outcome = sync_meeting(booking.pk, budget=budget, force=True)
    record = record_of(booking.pk)
    if record is not None and record.state == MeetingState.SYNCED and record.zoom_meeting_id:
        if in_sync(record, desired_state(booking)):
            return MeetingAnswer(AnswerStatus.OK, record)
    if outcome.retry_owed is not None:
        tasks.schedule_retry(booking.pk, outcome.retry_owed)
    return MeetingAnswer(AnswerStatus.QUEUED, record)


def _set_overrides(
    booking: Booking, record: ZoomMeeting | None, topic: str | None, duration: int | None
) -> None:
    """Store what departs from the booking's defaults; the defaults themselves are never
    stored, so a long default topic is clipped only where it is sent (``meeting_fields``)."""
    default_topic, default_duration = meeting_topic(booking), booking.duration_minutes
    overrides = meeting_overrides(booking, record)
    current_topic = overrides.get("topic", default_topic)
    current_duration = overrides.get("duration", default_duration)
    wanted_topic = current_topic if topic is None else topic
    wanted_duration = current_duration if duration is None else duration
    if (wanted_topic, wanted_duration) == (current_topic, current_duration):
        return
    if record is None:
        record, _created = ZoomMeeting.objects.get_or_create(booking=booking)
    record.set_overrides(
        "" if wanted_topic == default_topic else wanted_topic,
        None if wanted_duration == default_duration else wanted_duration,
        sequence=booking.sequence,
    )
    audit.record(
        booking,
        EventKind.MEETING_UPDATED,
        _("Zoom meeting topic or length set through the API."),
        {"sequence": booking.sequence, "topic": wanted_topic, "duration": wanted_duration},
    )


def resync_now(booking: Booking) -> Outcome:
    """The admin's "resync now": one attempt at once, parked or not, then queue if needed."""
    return sync_inline(booking.pk, tasks.schedule_retry)
