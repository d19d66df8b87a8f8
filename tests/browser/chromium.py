"""Which Chromium the browser tests and ``benchmarks/browser.py`` drive, and how: Debian's
build, headless, with no traffic beyond the page's own."""

import os

CHROMIUM = os.environ.get("PMC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
