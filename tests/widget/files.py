"""The widget's shipped JavaScript files and their byte budget, read by the budget test
and printed by ``benchmarks/browser.py``. ``admin/`` holds the host editor's scripts: the
admin loads them, attendees never do, so they are outside the budget."""

from pathlib import Path

import wagtail_pmc_booking

STATIC = Path(wagtail_pmc_booking.__file__).parent / "static" / "wagtail_pmc_booking"
ALL_JS = sorted(STATIC.rglob("*.js"))
ADMIN = [path for path in ALL_JS if path.relative_to(STATIC).parts[0] == "admin"]
SHIPPED = [path for path in ALL_JS if path not in ADMIN]
BUDGET = 25_000
