"""A loopback HTTP server for calendar feeds: real sockets, answers set per path by tests.

Each answer can be slow (``delay``), fail (``status``), redirect (``Location`` header) or
be large (``body`` of any size); every request is recorded for assertions.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


class FeedServer:
    """``serve("/a.ics", text)`` then point a calendar at ``server.url("/a.ics")``."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FeedServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
        content_type: str = "text/calendar; charset=utf-8",
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            self.answers[path] = Answer(
                data, status, delay, {"Content-Type": content_type, **(headers or {})}
            )

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.serve(path, status=status, headers={"Location": location})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def answer(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with server._lock:
                    server.requests.append(Request(self.command, self.path, dict(self.headers)))
                    found = server.answers.get(path, Answer(b"not found", 404))
                if found.delay:
                    time.sleep(found.delay)  # the slow calendar under test, not a race fix
                self.send_response(found.status)
                for name, value in found.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(found.body)))
                self.end_headers()
                try:
                    self.wfile.write(found.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (a size limit): what is tested

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = answer

            def do_PROPFIND(self) -> None:
                self.answer()

            def do_REPORT(self) -> None:
                self.answer()

        return Handler
