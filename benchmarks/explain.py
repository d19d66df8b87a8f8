"""The PostgreSQL plans of the hot queries: one slot listing and one booking.

Run: ``.venv/bin/python benchmarks/explain.py --database-url postgres://…/test``.
Loads the team workload of ``benchmarks/slots.py`` (25 hosts, 5,000 bookings over 60
days, 200 out-of-office entries, round robin), ANALYZEs it as autovacuum would, then
prints ``EXPLAIN (ANALYZE, BUFFERS)`` of every query a cold 60-day listing runs and of
every read a booking runs. ``docs/deployment.md`` quotes its output.
"""

from datetime import UTC, datetime, timedelta

from _django import setup
from slots import analyze, build


def explain(statements):
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            print(sql[:120].replace("\n", " ") + " …")
            print("\n".join("    " + row[0] for row in cursor.fetchall()))
            print()


def captured(run):
    """The statements ``run`` executes, with their parameters."""
    from django.db import connection

    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run()
    return statements


def main():
    args, teardown = setup(__doc__)
    try:
        from django.db import connection
        from django.test import override_settings

        from wagtail_pmc_booking import availability
        from wagtail_pmc_booking import booking as booking_service

        if connection.vendor != "postgresql":
            raise SystemExit("EXPLAIN output is for PostgreSQL: pass --database-url postgres://…")
        now = datetime.now(UTC)
        meeting = build(now)
        analyze()
        first, last = now.date(), (now + timedelta(days=59)).date()
        with override_settings(WAGTAIL_PMC_BOOKING={"SLOTS_CACHE_SECONDS": 0}):
            days = availability.list_slots(
                meeting, start_date=first, end_date=last, tz="America/New_York", duration=30
            )
            print("== a cold 60-day listing\n")
            explain(
                captured(
                    lambda: availability.list_slots(
                        meeting, start_date=first, end_date=last, tz="America/New_York"
                    )
                )
            )
            start = next(slot.start for day in days.values() for slot in day)
            booking_service.announce = lambda booking_pk, change: None
            print("== one booking (its reads; the writes are single-row inserts)\n")
            explain(
                captured(
                    lambda: booking_service.book(
                        meeting,
                        start=start,
                        attendee_name="Explained",
                        attendee_email="explained@example.com",
                        attendee_timezone="UTC",
                        now=now,
                    )
                )
            )
    finally:
        teardown()


if __name__ == "__main__":
    main()
