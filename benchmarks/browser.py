"""Cold loads of the demo booking page in headless Chromium: when do the first times show?

Run: ``.venv/bin/python benchmarks/browser.py [--runs 10] [--workers 2]``
It loads the demo (``pmc_booking_demo``) into a throwaway SQLite file in a temporary
folder, starts gunicorn (``--workers`` × 4 threads) on a loopback port with the example
site's dev settings turned production-like (DEBUG off; Django serves
the static files itself, uncompressed, as no web server sits in front), then opens
``/book-a-demo/`` ``--runs`` times, each in a new browser context (empty cache). It
prints, per load and as median/p95, the widget's ``pmc:first-times`` mark (ms since
navigation start), ``pmc:widget-start``, the navigation's responseEnd and
DOMContentLoaded, when the ``/v1/slots`` answer arrived, and the JS/CSS files
transferred; then the widget JS on disk (the files ``tests/widget/test_static.py``
budgets). Issue 15's target: first times < 800 ms.
Only 127.0.0.1 is contacted; one warm-up load is not counted; every wait is bounded.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _django import percentile
from _live import MANAGE, ROOT, free_port, gunicorn, stop, wait_until_up
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(ROOT))
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.widget.files import BUDGET, SHIPPED, STATIC  # noqa: E402

PAGE = "/book-a-demo/"
TARGET_MS = 800
TIMEOUT_MS = 15_000

SETTINGS = """\
from example_site.settings.dev import *  # noqa: F403
from example_site.settings.dev import HUEY

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "pmc_bench_urls"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HUEY = {{**HUEY, "filename": {huey!r}}}
"""
# Static files from the apps' folders even with DEBUG off (no collectstatic, no web server).
URLS = """\
from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path

urlpatterns = [
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    path("", include("example_site.urls")),
]
"""
# What one load measured, read in the page once the first times are shown.
METRICS = """() => {
    const mark = (name) => performance.getEntriesByName(name, "mark")[0]?.startTime ?? null;
    const nav = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource");
    const assets = resources
        .map((r) => ({
            path: new URL(r.name).pathname, transfer: r.transferSize, body: r.encodedBodySize
        }))
        .filter((a) => /\\.(js|css)$/.test(a.path));
    const slots = resources.find((r) => r.name.includes("/v1/slots?"));
    return {
        firstTimes: mark("pmc:first-times"),
        slotsEnd: slots?.responseEnd ?? null,
        widgetStart: mark("pmc:widget-start"),
        responseEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd,
        assets,
    };
}"""
FIRST_TIMES = "() => performance.getEntriesByName('pmc:first-times', 'mark').length > 0"


def widget_js() -> dict[str, int]:
    """The shipped JS the budget test counts: everything but the admin's own scripts."""
    return {str(path.relative_to(STATIC)): path.stat().st_size for path in SHIPPED}


def start_site(folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """Migrate and seed a fresh SQLite file in ``folder``, then serve it on ``port``."""
    (folder / "pmc_bench_settings.py").write_text(
        SETTINGS.format(huey=str(folder / "huey.sqlite3")), encoding="utf-8"
    )
    (folder / "pmc_bench_urls.py").write_text(URLS, encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmc_bench_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "API_RATE_LIMIT_PUBLIC": "1000000/minute",
    }
    for command in (["migrate", "--noinput"], ["createcachetable"], ["pmc_booking_demo"]):
        # Captured: the demo prints the admin password it sets, which is no benchmark output.
        subprocess.run([*MANAGE, *command], env=env, check=True, capture_output=True, timeout=300)
    server = gunicorn(port, env, workers, threads=4)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{PAGE}", server)
    except SystemExit:
        stop(server)
        raise
    return server


def load(browser: Browser, url: str) -> dict[str, Any]:
    """One cold load: a new context has an empty cache, so every file is fetched."""
    context = browser.new_context(
        timezone_id="America/New_York", locale="en-US", viewport={"width": 1100, "height": 900}
    )
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(FIRST_TIMES, timeout=TIMEOUT_MS)
        return page.evaluate(METRICS)
    finally:
        context.close()


def row(label: str, m: dict[str, Any]) -> str:
    return (
        f"{label:<7} first-times {m['firstTimes']:7.1f} ms  widget-start {m['widgetStart']:7.1f}"
        f"  responseEnd {m['responseEnd']:6.1f}  DOMContentLoaded {m['domContentLoaded']:7.1f}"
        f"  slots answered {m['slotsEnd']:7.1f}"
        f"  JS/CSS {m['files']:>2} files {m['transfer']:>7,} B transferred"
    )


def summary(runs: list[dict[str, Any]]) -> None:
    keys = ["firstTimes", "widgetStart", "responseEnd", "domContentLoaded", "slotsEnd"]
    keys += ["files", "transfer"]
    for label, pick in (("median", statistics.median), ("p95", None)):
        values = {
            key: pick([r[key] for r in runs]) if pick else percentile([r[key] for r in runs], 0.95)
            for key in keys
        }
        values["files"] = round(values["files"])
        values["transfer"] = round(values["transfer"])
        print(row(label, values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, choices=range(1, 101), metavar="1-100")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # A kill (SIGTERM) unwinds through the finally blocks like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="pmc-bench-browser-"))
    server = None
    try:
        port = free_port()
        server = start_site(folder, port, args.workers)
        url = f"http://127.0.0.1:{port}{PAGE}"
        runs = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                load(browser, url)  # warm-up: the workers' first page and slots answer
                for n in range(1, args.runs + 1):
                    m = load(browser, url)
                    m["files"] = len(m["assets"])
                    m["transfer"] = sum(a["transfer"] for a in m["assets"])
                    runs.append(m)
                    print(row(f"run {n}", m))
            finally:
                browser.close()
        summary(runs)
        sent = {
            a["path"]: a["body"]
            for a in runs[-1]["assets"]
            if "/wagtail_pmc_booking/" in a["path"] and a["path"].endswith(".js")
        }
        print(f"widget JS loaded by the page: {len(sent)} files, {sum(sent.values()):,} B (bodies)")
        on_disk = widget_js()
        total = sum(on_disk.values())
        print(f"widget JS on disk (budget test's files): {total:,} B of {BUDGET:,} B budget")
        for name, size in on_disk.items():
            print(f"  {name:<22} {size:>6,} B")
        median = statistics.median(r["firstTimes"] for r in runs)
        verdict = "met" if median < TARGET_MS else "NOT met"
        print(f"target first times < {TARGET_MS} ms (median {median:.0f} ms): {verdict}")
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
