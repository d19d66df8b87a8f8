"""The widget on a site outside Wagtail: embed.js on a plain page served from another port."""

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from wagtail_pmc_booking.models import Booking

from .helpers import clock, next_monday, open_day, slots_on, times_shown

pytestmark = pytest.mark.browser

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Acme — talk to sales</title></head>
<body style="font-family: sans-serif; margin: 2rem; background: #fafafa">
<h1>Acme: talk to sales</h1>
<div data-pmc-booking="{slug}" data-pmc-base="{base}"></div>
<script src="{base}/static/wagtail_pmc_booking/embed.js" async></script>
<p>Footer of the marketing site.</p>
</body></html>
"""


@pytest.fixture
def marketing_site():
    """A tiny HTTP server on its own port; ``serve(html)`` returns the page's URL."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0], "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html, path="/"):
        pages[path] = html
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield serve
    server.shutdown()
    server.server_close()


def test_embedded_widget_sizes_itself_and_reports_the_booking(
    page, live_server, product_demo, marketing_site, shot
):
    frame_url = f"{live_server.url}/booking/embed/{product_demo.slug}/"
    with urllib.request.urlopen(frame_url) as response:
        assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
        assert response.headers["X-Frame-Options"] is None

    page.goto(marketing_site(HOST_PAGE.format(slug=product_demo.slug, base=live_server.url)))
    page.evaluate(
        """() => {
            window.pmcEvents = [];
            const record = (where) => (event) =>
                window.pmcEvents.push({where, detail: event.detail});
            window.addEventListener("pmc:booking-created", record("window"));
            document.querySelector("[data-pmc-booking]")
                .addEventListener("pmc:booking-created", record("div"));
        }"""
    )
    iframe = page.locator("[data-pmc-booking] iframe")
    expect(iframe).to_have_attribute("src", frame_url)
    widget = page.frame_locator("[data-pmc-booking] iframe")
    day = next_monday()
    open_day(widget, day)
    expect(iframe).not_to_have_css("height", "640px")
    # Named after the frame's own (translated) title, as the host page gave no data-pmc-title.
    expect(iframe).to_have_attribute("title", f"Book: {product_demo.name}")
    content_height = widget.locator("html").evaluate(
        "html => Math.ceil(html.getBoundingClientRect().height)"
    )
    expect(iframe).to_have_css("height", f"{content_height}px")
    assert times_shown(widget) == [clock(s) for s in slots_on(product_demo, day)]
    shot(page, "embedded-calendar")

    widget.locator(".pmc-time").first.click()
    widget.get_by_label("Name").fill("Jeffrey Spender")
    widget.get_by_label("Email").fill("jeffrey@example.com")
    widget.get_by_role("button", name="Schedule meeting").click()
    expect(widget.get_by_role("heading", name="You are booked")).to_be_visible()
    page.wait_for_function("() => window.pmcEvents.length === 2")
    shot(page, "embedded-confirmed")

    booking = Booking.objects.get()
    events = page.evaluate("() => window.pmcEvents")
    assert [event["where"] for event in events] == ["div", "window"]
    detail = events[0]["detail"]
    assert detail["bookingId"] == booking.public_id
    assert detail["attendee"]["email"] == "jeffrey@example.com"
    assert not {"manageToken", "rescheduleUrl", "cancelUrl"} & detail.keys()
