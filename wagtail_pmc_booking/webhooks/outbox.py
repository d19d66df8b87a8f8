"""The outbox: the deliveries an audit line owes, written in that line's transaction.

``audit.record`` announces each ``BookingEvent`` before its transaction commits, so the
``WebhookDelivery`` rows written here commit (or roll back) with the change itself. A
crash between commit and enqueue loses nothing: the periodic sweep finds the rows.
Nothing here may undo a booking: a failure is logged and the change goes on.
"""

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from ..conf import booking_settings
from ..models import BookingEvent, WebhookDelivery, WebhookEndpoint
from ..models.bookings import EventKind
from ..models.webhooks import DeliveryStatus, WebhookEventType
from . import payloads, tasks

logger = logging.getLogger(__name__)

EVENT_TYPES: dict[str, WebhookEventType] = {
    EventKind.CREATED: WebhookEventType.BOOKING_CREATED,
    EventKind.RESCHEDULED: WebhookEventType.BOOKING_RESCHEDULED,
    EventKind.CANCELLED: WebhookEventType.BOOKING_CANCELLED,
    EventKind.MEETING_CREATED: WebhookEventType.MEETING_CREATED,
    EventKind.MEETING_UPDATED: WebhookEventType.MEETING_UPDATED,
    EventKind.MEETING_DELETED: WebhookEventType.MEETING_DELETED,
    EventKind.ATTENDED: WebhookEventType.BOOKING_ATTENDED,
    EventKind.NO_SHOW: WebhookEventType.BOOKING_NO_SHOW,
}
# Lines about a Zoom meeting name it; the API's topic/length override has no meeting yet
# and is not a change in Zoom.
ABOUT_A_ZOOM_MEETING = frozenset({EventKind.MEETING_UPDATED, EventKind.MEETING_DELETED})


def event_type_of(event: BookingEvent) -> WebhookEventType | None:
    """The webhook an audit line is, or None (emails, reminders, failures: not sent)."""
    found = EVENT_TYPES.get(event.kind)
    if found is None:
        return None
    if event.kind in ABOUT_A_ZOOM_MEETING and not (event.data or {}).get("zoom_meeting_id"):
        return None
    return found


def write(event: BookingEvent) -> list[int]:
    """One pending delivery per endpoint that wants the event; their ids (maybe none)."""
    event_type = event_type_of(event)
    if event_type is None:
        return []
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True).prefetch_related("meeting_types")
    )
    if not endpoints:
        return []
    booking = payloads.load_booking(event.booking_id)
    if booking.row.is_sandbox:
        return []  # made with a test key: not real business, as the API shows it to test keys
    wanted = [e for e in endpoints if e.wants(event_type, booking.row.meeting_type_id)]
    if not wanted:
        return []
    now = timezone.now()
    event_id = payloads.new_event_id()
    body = payloads.body(
        event_id=event_id,
        event_type=event_type,
        created_at=now,
        booking=booking.data,
        sequence=booking.row.sequence,
    )
    give_up_at = now + timedelta(hours=float(booking_settings.WEBHOOK_RETRY_HOURS))
    # Only the writes get a savepoint: a change no endpoint wants costs one query.
    with transaction.atomic():
        rows = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                booking_id=booking.row.pk,
                sequence=booking.row.sequence,
                payload=body,
                status=DeliveryStatus.PENDING,
                next_attempt_at=now,
                give_up_at=give_up_at,
            )
            for endpoint in wanted
        )
    return [row.pk for row in rows if row.pk is not None]


def enqueue(delivery_ids: Sequence[int]) -> None:
    """After commit: one Huey task per delivery (a lost enqueue is the sweep's to find)."""
    for delivery_id in delivery_ids:
        tasks.deliver_webhook(delivery_id)


def on_event_recorded(event: BookingEvent) -> None:
    """Write the deliveries (in a savepoint); send them once the change commits."""
    try:
        delivery_ids = write(event)
    except Exception:
        logger.exception(
            "Could not write the webhook deliveries of booking event %s (%s)", event.pk, event.kind
        )
        return
    if delivery_ids:
        transaction.on_commit(partial(enqueue, delivery_ids), robust=True)
