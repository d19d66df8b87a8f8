"""The seed product page's host, as plain data: used by the demo command and the tests."""

from datetime import date, time

SEED_TIMEZONE = "Asia/Kolkata"

# weekday (0=Mon) -> [(start, end), ...] wall-clock in SEED_TIMEZONE; weekends off.
SEED_WINDOWS = {
    0: [(time(9, 0), time(12, 30)), (time(14, 0), time(18, 0))],
    1: [(time(10, 0), time(13, 0)), (time(15, 0), time(17, 30))],
    2: [(time(9, 30), time(12, 30)), (time(14, 0), time(17, 0))],
    3: [(time(10, 0), time(14, 0)), (time(16, 0), time(19, 0))],
    4: [(time(9, 0), time(11, 30)), (time(13, 30), time(16, 30))],
}

SEED_DURATIONS = [15, 30, 45, 60]
SEED_BUFFER_BEFORE = 10
SEED_BUFFER_AFTER = 15

# (start_date, end_date, start_time, end_time, reason)
SEED_OUT_OF_OFFICE = [
    (date(2026, 4, 18), date(2026, 4, 18), None, None, "Public Holiday"),
    (date(2026, 4, 22), date(2026, 4, 22), None, None, "Travel Day"),
    (date(2026, 4, 24), date(2026, 4, 24), time(14, 0), time(18, 0), "Blocked Window"),
]

# The demo meeting type's booking questions (StreamField data): all optional, so API
# clients and the schemathesis run can book without knowing them.
DEMO_QUESTIONS = [
    (
        "short_text",
        {"key": "company", "label": "Company", "required": False, "help_text": ""},
    ),
    (
        "select",
        {
            "key": "team_size",
            "label": "Team size",
            "required": False,
            "help_text": "",
            "options": ["1–10", "11–50", "51–200", "200+"],
        },
    ),
    (
        "long_text",
        {
            "key": "goals",
            "label": "What would you like to see?",
            "required": False,
            "help_text": "A sentence or two helps us prepare.",
        },
    ),
]
