"""Start Django for a benchmark on a throwaway database (SQLite in memory or PostgreSQL).

``--database-url postgres://postgres@127.0.0.1:5432/test`` benchmarks on PostgreSQL; the
test database ``test_<name>`` is created and dropped around the run.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(description, flags=()):
    """``flags``: extra on/off options of the benchmark, e.g. ``("--grid",)``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=30)
    for flag in flags:
        parser.add_argument(flag, action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return args, lambda: connection.creation.destroy_test_db(old_name, verbosity=0)


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]
