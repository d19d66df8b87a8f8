"""Every feature's receivers, connected in the order they must run.

Signal receivers run in connection order. Zoom acts first (the meeting it makes within
the inline budget goes into the emails), notifications after it. A new feature adds its
``<feature>/receivers.py`` here, after the integrations whose results it needs.
"""

from . import slot_cache

# isort: off
# Import order is connection order: Zoom, then the emails, then the hosts' calendars
# (queued; the event written carries the Zoom link when it is there by then), the
# reminders; the webhook outbox listens to the audit trail (inside its transaction).
from .zoom import receivers as zoom_receivers
from .notifications import receivers as notification_receivers
from .calendars import receivers as calendar_receivers
from .reminders import receivers as reminder_receivers
from .webhooks import receivers as webhook_receivers

# isort: on

RECEIVER_MODULES = (
    zoom_receivers,
    notification_receivers,
    calendar_receivers,
    reminder_receivers,
    webhook_receivers,
)


def connect() -> None:
    """Connect what ``@receiver`` cannot: the slot cache's model signals."""
    slot_cache.connect()
