"""The names a booking change travels with: what changed, and who changed it.

Pure Python (no Django): the writer, the signal, receivers, the audit trail and the API
all speak these, so a typo is a type error rather than a silently ignored string.
"""

from enum import StrEnum


class Change(StrEnum):
    """What a committed booking change was; sent with ``signals.booking_changed``."""

    CREATED = "created"
    RESCHEDULED = "rescheduled"
    # Another host took the booking over at the same time (an admin's ``reassign``).
    REASSIGNED = "reassigned"
    CANCELLED = "cancelled"


class Actor(StrEnum):
    """Who made a change, when it was not a named admin user or API key.

    The audit trail also stores an admin's username and ``api:<key prefix>``, so an actor
    is ``Actor | str``; these are the fixed ones.
    """

    ATTENDEE = "attendee"
    SYSTEM = "system"
    # A change Zoom reported through its webhook (a meeting deleted or edited there).
    ZOOM = "zoom"
