"""The scheduling rules as pure Python: no Django, no Wagtail, no database.

Models are turned into the plain dataclasses here by the callers, so the rules that
decide what can be booked are fast to test exhaustively and identical everywhere.
"""

from .assignment import (
    COLLECTIVE,
    FIXED,
    LEAST_BUSY,
    POLICIES,
    ROUND_ROBIN,
    Candidate,
    NoHostAvailable,
    choose_host,
    pool_mode,
)
from .intervals import Interval, intersect, normalize, overlaps_any, subtract, union
from .offers import spread_offers
from .rules import (
    DateOverride,
    DayWindow,
    OutOfOfficeRule,
    WeeklyWindow,
    expand_windows,
    localize,
    out_of_office_intervals,
)
from .slots import (
    DAY,
    INTERSECTION,
    UNION,
    WEEK,
    Cap,
    HostSchedule,
    Slot,
    SlotQuery,
    blocked_range,
    default_step,
    host_slots,
    is_bookable,
    pool_slots,
    slots_by_local_date,
)

__all__ = [
    "COLLECTIVE",
    "DAY",
    "FIXED",
    "INTERSECTION",
    "LEAST_BUSY",
    "POLICIES",
    "ROUND_ROBIN",
    "UNION",
    "WEEK",
    "Candidate",
    "Cap",
    "DateOverride",
    "DayWindow",
    "HostSchedule",
    "Interval",
    "NoHostAvailable",
    "OutOfOfficeRule",
    "Slot",
    "SlotQuery",
    "WeeklyWindow",
    "blocked_range",
    "default_step",
    "choose_host",
    "expand_windows",
    "host_slots",
    "intersect",
    "is_bookable",
    "localize",
    "normalize",
    "out_of_office_intervals",
    "overlaps_any",
    "pool_mode",
    "pool_slots",
    "slots_by_local_date",
    "spread_offers",
    "subtract",
    "union",
]
