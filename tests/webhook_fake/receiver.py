"""A real loopback webhook receiver: verifies X-PMC-Signature, records, fails on demand.

``fail_next(n, mode)`` makes the next ``n`` POSTs answer 500 (``"error"``), hang past
the client's timeout (``"hang"``, bounded) or redirect (``"redirect"``); ``stop()``
closes the port, so connecting is refused.
"""

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from wagtail_pmc_booking.webhooks import signing

HANG_SECONDS = 6.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers.get("X-PMC-Delivery", "")


class WebhookReceiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.requests: list[Received] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._running = False

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        self._running = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Close the port: the next delivery finds the connection refused."""
        if self._running:
            self._running = False
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/hooks/pmc"

    def fail_next(self, count: int = 1, mode: str = "error") -> None:
        with self._lock:
            self._failures += [mode] * count

    def recover(self) -> None:
        with self._lock:
            self._failures.clear()

    def answered(self, status_from: int = 200, status_to: int = 299) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if status_from <= r.status <= status_to]

    def delivered_per_id(self) -> Counter[str]:
        """How many 2xx answers each X-PMC-Delivery got."""
        return Counter(r.delivery_id for r in self.answered())

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        """Poll (bounded) for what another process sends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()

    def _take_failure(self) -> str:
        with self._lock:
            return self._failures.pop(0) if self._failures else ""

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                verified = bool(server.secret) and signing.verify(
                    server.secret,
                    self.headers.get("X-PMC-Signature", ""),
                    body,
                    now=int(time.time()),
                    tolerance=10**9,  # the tests move the clock; the HMAC is what counts
                )
                mode = server._take_failure()
                status = {"error": 500, "redirect": 302, "hang": 0}.get(mode, 200)
                server._record(
                    Received(self.path, dict(self.headers.items()), body, verified, status)
                )
                if mode == "hang":
                    time.sleep(HANG_SECONDS)
                    status = 200  # too late: the sender has given up on this attempt
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return Handler
