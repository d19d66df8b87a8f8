"""A real CalDAV server for tests: Radicale on 127.0.0.1 with a temporary storage folder.

Started once per test session as its own process (``python -m radicale``); each test gets
a fresh calendar collection made with MKCALENDAR, and puts events into it over HTTP.
"""

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import requests

USER, PASSWORD = "asha", "radicale-app-password-5f2c"
_MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop><D:displayname>{name}</D:displayname></D:prop></D:set>
</C:mkcalendar>"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RadicaleServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.auth = (USER, PASSWORD)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "RadicaleServer":
        users = self.folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder",
                str(self.folder / "collections"),
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(users),
                "--auth-htpasswd-encryption",
                "plain",
                "--auth-delay",
                "0",
                "--logging-level",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_listening(timeout=20.0)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)

    def _wait_until_listening(self, timeout: float) -> None:
        """Poll the port (a readiness check, bounded): the process needs a moment to bind."""
        deadline = time.monotonic() + timeout
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"Radicale exited at start: {error}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Radicale did not start listening in time")

    def make_calendar(self, name: str = "Work") -> str:
        """A new, empty calendar collection; its URL (ends with a slash)."""
        url = f"{self.base_url}/{USER}/{uuid.uuid4().hex}/"
        answer = requests.request(
            "MKCALENDAR", url, data=_MKCALENDAR.format(name=name), auth=self.auth, timeout=10
        )
        assert answer.status_code == 201, answer.text
        return url

    def put_event(self, calendar_url: str, uid: str, text: str) -> str:
        """Store an iCalendar object as ``<uid>.ics``; its ETag."""
        answer = requests.put(
            f"{calendar_url}{uid}.ics",
            data=text.encode(),
            headers={"Content-Type": "text/calendar; charset=utf-8"},
            auth=self.auth,
            timeout=10,
        )
        assert answer.status_code in (201, 204), answer.text
        return answer.headers.get("ETag", "")

    def events(self, calendar_url: str) -> dict[str, str]:
        """Every object in the calendar, by href, as the server stores it."""
        listing = requests.request(
            "PROPFIND", calendar_url, headers={"Depth": "1"}, auth=self.auth, timeout=10
        )
        assert listing.status_code == 207, listing.text
        found = {}
        for href in _hrefs(listing.text):
            if href.endswith(".ics"):
                found[href] = requests.get(
                    f"{self.base_url}{href}", auth=self.auth, timeout=10
                ).text
        return found


def _hrefs(multistatus: str) -> list[str]:
    root = ElementTree.fromstring(multistatus)
    return [node.text or "" for node in root.iter("{DAV:}href")]
