"""Small factories: tests build exactly the hosts and meeting types they talk about."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model

from wagtail_pmc_booking import demo_data
from wagtail_pmc_booking.models import (
    AvailabilityWindow,
    Booking,
    Host,
    MeetingType,
    OutOfOffice,
)
from wagtail_pmc_booking.scheduling import blocked_range

_counter = itertools.count(1)


def make_host(*, windows=None, out_of_office=(), **fields):
    """A host with ``windows`` as {weekday: [(start, end), ...]} (default: the seed's)."""
    n = next(_counter)
    fields.setdefault("name", f"Host {n}")
    fields.setdefault("slug", f"host-{n}")
    fields.setdefault("email", f"host{n}@example.com")
    fields.setdefault("timezone", demo_data.SEED_TIMEZONE)
    fields.setdefault("durations", list(demo_data.SEED_DURATIONS))
    fields.setdefault("buffer_before_minutes", demo_data.SEED_BUFFER_BEFORE)
    fields.setdefault("buffer_after_minutes", demo_data.SEED_BUFFER_AFTER)
    fields.setdefault("zoom_user", f"host{n}@example.com")
    host = Host.objects.create(**fields)
    windows = demo_data.SEED_WINDOWS if windows is None else windows
    rows = [(day, start, end) for day, ranges in sorted(windows.items()) for start, end in ranges]
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(host=host, weekday=day, start_time=start, end_time=end, sort_order=i)
        for i, (day, start, end) in enumerate(rows)
    )
    for start_date, end_date, start_time, end_time, reason in out_of_office:
        OutOfOffice.objects.create(
            host=host,
            start_date=start_date,
            end_date=end_date,
            start_time=start_time,
            end_time=end_time,
            reason=reason,
        )
    return host


def make_seed_host(**fields):
    return make_host(out_of_office=demo_data.SEED_OUT_OF_OFFICE, **fields)


def make_meeting_type(*, hosts, **fields):
    n = next(_counter)
    fields.setdefault("name", f"Meeting {n}")
    fields.setdefault("slug", f"meeting-{n}")
    fields.setdefault("durations", [15, 30, 45, 60])
    fields.setdefault("default_duration", 30)
    meeting_type = MeetingType.objects.create(**fields)
    meeting_type.hosts.set(hosts)
    meeting_type.save()  # ParentalManyToManyField writes on save
    return meeting_type


def booking_row(meeting_type, host, start, *, duration=30, buffers=None, **fields):
    """An unsaved confirmed ``Booking`` made behind ``booking.py``'s back.

    For set-up the service would refuse or that must be fast (benchmarks, bulk data);
    ``buffers`` is (before, after) in minutes, the host's own by default.
    """
    before, after = buffers or (host.buffer_before_minutes, host.buffer_after_minutes)
    blocked = blocked_range(start, duration, before, after)
    fields.setdefault("attendee_name", "Dana Scully")
    fields.setdefault("attendee_email", "dana@example.com")
    return Booking(
        meeting_type=meeting_type,
        host=host,
        start=start,
        end=start + timedelta(minutes=duration),
        duration_minutes=duration,
        blocked_start=blocked.start,
        blocked_end=blocked.end,
        **fields,
    )


def make_booking_row(meeting_type, host, start, **kwargs):
    booking = booking_row(meeting_type, host, start, **kwargs)
    booking.save()
    return booking


def make_user(username, *groups, **fields):
    """An account with password "pw" in ``groups``."""
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password="pw", **fields
    )
    user.groups.add(*groups)
    return user


# A meeting type's questions as StreamField data: a required text, an optional choice and
# a required checkbox (``meeting_type.questions = SAMPLE_QUESTIONS``).
SAMPLE_QUESTIONS = [
    ("short_text", {"key": "company", "label": "Company", "required": True, "help_text": ""}),
    (
        "select",
        {
            "key": "team_size",
            "label": "Team size",
            "required": False,
            "help_text": "",
            "options": ["1-10", "11-50"],
        },
    ),
    ("checkbox", {"key": "consent", "label": "I agree", "required": True, "help_text": ""}),
]
