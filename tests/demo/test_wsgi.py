"""The example site's WSGI module leaves a worker ready and its startup heap frozen."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import example_site.wsgi
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "urlconf": "example_site.urls" in sys.modules,
    "api": "wagtail_pmc_booking.api.bookings" in sys.modules,
}))
"""


def test_a_worker_freezes_what_it_loaded_urlconf_included(tmp_path):
    """Full collections would otherwise walk Django, Wagtail and this app on every run
    (docs/deployment.md): the URLconf and the API it imports are loaded before the freeze."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SECRET_KEY": "wsgi-test-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["urlconf"] and found["api"], found
    assert found["frozen"] > 10_000, found
