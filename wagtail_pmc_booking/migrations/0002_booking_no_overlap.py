"""PostgreSQL only: the database itself refuses two overlapping confirmed bookings of a host.

The exclusion constraint (btree_gist; host ``=``, blocked range ``&&``, where confirmed)
backs up the row locks in ``booking.py`` even for code that bypasses the service.
Other databases skip this migration; there ``booking.py`` serializes writes.
"""

from django.db import migrations

CONSTRAINT = "pmc_booking_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE wagtail_pmc_booking_booking
    ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        host_id WITH =,
        tstzrange(blocked_start, blocked_end, '[)') WITH &&
    )
    WHERE (status = 'confirmed');
"""

DROP = f"ALTER TABLE wagtail_pmc_booking_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("wagtail_pmc_booking", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
