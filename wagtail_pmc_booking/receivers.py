"""Every feature's receivers, connected in the order they must run.

Signal receivers run in connection order. Zoom acts first (the meeting it makes within
the inline budget goes into the emails), notifications after it. A new feature adds its
``<feature>/receivers.py`` here, after the integrations whose results it needs.
"""

from . import slot_cache

# isort: off
# Import order is connection order: Zoom, then the emails.
from .zoom import receivers as zoom_receivers
from .notifications import receivers as notification_receivers

# isort: on

RECEIVER_MODULES = (zoom_receivers, notification_receivers)


def connect() -> None:
    """Connect what ``@receiver`` cannot: the slot cache's model signals."""
    slot_cache.connect()
