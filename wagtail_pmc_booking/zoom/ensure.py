"""The Zoom calls of one attempt: make the booking's meeting present, or absent.

Each step records what it did on ``ZoomMeeting`` and in the audit trail as it goes, so
an attempt cut short leaves a record the next attempt can pick up from.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..conf import booking_settings
from ..models import Booking, ZoomMeeting
from ..models.bookings import EventKind
from ..models.meetings import MeetingState
from .backends import ZoomBackend, client_for
from .desired import Desired, Want, meeting_request, skip_message
from .errors import ZoomNotFound
from .outcomes import Action
from .wire import Meeting


def ensure_present(
    booking: Booking,
    record: ZoomMeeting,
    desired: Desired,
    client: ZoomBackend,
    previous_attempts: int,
) -> Action:
    existing = client_for(booking, record, client)
    if record.zoom_meeting_id is not None and record.zoom_user != desired.zoom_user:
        old_id = record.zoom_meeting_id
        existing.delete_meeting(old_id)
        record.forget_meeting()
        audit.record(
            booking,
            EventKind.MEETING_DELETED,
            _("Zoom meeting deleted: the booking moved to another host."),
            {
                "zoom_meeting_id": str(old_id),
                "reason": "host_changed",
            },
        )
    if record.zoom_meeting_id is not None:
        fields = meeting_request(booking, record, desired.zoom_user, new=False)
        try:
            existing.update_meeting(record.zoom_meeting_id, **fields)
        except ZoomNotFound:
            if not _gone_from_zoom(booking, record, desired):
                return Action.DELETED
        else:
            record.synced(desired.sequence)
            audit.record(
                booking,
                EventKind.MEETING_UPDATED,
                _("Zoom meeting updated."),
                {
                    "zoom_meeting_id": str(record.zoom_meeting_id),
                    "sequence": desired.sequence,
                },
            )
            return Action.UPDATED
    found = None
    if previous_attempts and record.zoom_user:
        found = _find_earlier_create(booking, record, desired, client)
    if found is not None:
        return _adopt(booking, record, desired, client, found)
    fields = meeting_request(booking, record, desired.zoom_user, new=True)
    record.assign(desired.zoom_user, is_sandbox=client.is_sandbox)
    meeting = client.create_meeting(desired.zoom_user, **fields)
    record.created(
        meeting.id,
        meeting.join_url,
        meeting.passcode,
        sequence=desired.sequence,
        is_sandbox=client.is_sandbox,
    )
    audit.record(
        booking,
        EventKind.MEETING_CREATED,
        _("Zoom meeting created."),
        {
            "zoom_meeting_id": str(meeting.id),
            "zoom_user": desired.zoom_user,
            "sandbox": client.is_sandbox,
        },
    )
    return Action.CREATED


def _gone_from_zoom(booking: Booking, record: ZoomMeeting, desired: Desired) -> bool:
    """The meeting vanished from Zoom without a webhook: recreate it, or leave it deleted.

    Returns whether the caller should go on and create a new one.
    """
    old_id = record.zoom_meeting_id
    recreate = booking_settings.ZOOM_RECREATE_DELETED
    audit.record(
        booking,
        EventKind.MEETING_DELETED,
        _("The Zoom meeting was deleted in Zoom.")
        + " "
        + (_("A new one will be created.") if recreate else _("It is left deleted.")),
        {
            "zoom_meeting_id": str(old_id),
            "reason": "deleted_in_zoom",
        },
    )
    if recreate:
        record.forget_meeting()
        return True
    record.deleted_in_zoom(
        sequence=desired.sequence,
        recreate=False,
        note=_("Deleted in Zoom; not recreated (ZOOM_RECREATE_DELETED is off)."),
        now=timezone.now(),
    )
    return False


def _find_earlier_create(
    booking: Booking, record: ZoomMeeting, desired: Desired, client: ZoomBackend
) -> Meeting | None:
    """The meeting an earlier attempt may have created although its answer never came.

    One under another host (the booking moved meanwhile) is deleted, not kept.
    """
    searcher = client_for(booking, record, client)
    found = searcher.find_meeting_by_agenda_marker(record.zoom_user, booking.public_id)
    if found is None:
        return None
    if record.zoom_user != desired.zoom_user or record.is_sandbox != client.is_sandbox:
        searcher.delete_meeting(found.id)
        audit.record(
            booking,
            EventKind.MEETING_DELETED,
            _("Deleted a Zoom meeting an interrupted attempt had created for the old host."),
            {
                "zoom_meeting_id": str(found.id),
                "reason": "host_changed",
            },
        )
        return None
    return found


def _adopt(
    booking: Booking, record: ZoomMeeting, desired: Desired, client: ZoomBackend, meeting: Meeting
) -> Action:
    """Take over the meeting a lost create made, then bring it up to date."""
    record.adopt(meeting.id, meeting.join_url, meeting.passcode, is_sandbox=client.is_sandbox)
    fields = meeting_request(booking, record, desired.zoom_user, new=False)
    client.update_meeting(meeting.id, **fields)
    record.synced(desired.sequence)
    audit.record(
        booking,
        EventKind.MEETING_CREATED,
        _("Zoom meeting created (found after an attempt whose answer was lost)."),
        {
            "zoom_meeting_id": str(meeting.id),
            "zoom_user": desired.zoom_user,
            "sandbox": client.is_sandbox,
            "recovered": True,
        },
    )
    return Action.CREATED


def ensure_absent(
    booking: Booking,
    record: ZoomMeeting,
    desired: Desired,
    client: ZoomBackend,
    previous_attempts: int,
) -> Action:
    deleted = None
    if record.zoom_meeting_id is not None:
        deleted = record.zoom_meeting_id
        client_for(booking, record, client).delete_meeting(deleted)
    elif previous_attempts and record.zoom_user:
        searcher = client_for(booking, record, client)
        found = searcher.find_meeting_by_agenda_marker(record.zoom_user, booking.public_id)
        if found is not None:
            deleted = found.id
            searcher.delete_meeting(deleted)
    skipping = desired.action == Want.SKIP
    was = record.state
    record.absent(skipped=skipping, sequence=desired.sequence)
    if deleted is not None:
        audit.record(
            booking,
            EventKind.MEETING_DELETED,
            _("Zoom meeting deleted."),
            {
                "zoom_meeting_id": str(deleted),
                "reason": desired.reason or "cancelled",
            },
        )
    if skipping and was != MeetingState.SKIPPED:
        audit.record(
            booking,
            EventKind.MEETING_SKIPPED,
            skip_message(desired.reason),
            {"reason": desired.reason},
        )
    return Action.SKIPPED if skipping else Action.DELETED
