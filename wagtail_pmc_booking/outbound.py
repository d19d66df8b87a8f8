"""HTTP to addresses users typed (calendar URLs, webhook endpoints), with an SSRF guard.

Plain ``requests``, not the ``caldav`` library: the guard must see every connection and
every redirect, and the size and time limits must hold on the stream itself, for ICS
feeds and CalDAV alike; ``caldav`` 3 brings a second HTTP stack (niquests) without those
hooks, and a calendar-query REPORT is a few lines of XML.

Errors name the host only: a feed's secret address is its path and query.
"""

import ipaddress
import socket
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .conf import booking_settings

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(ValueError):
    """The URL may not be fetched from this server; the message is safe to show."""


class FetchError(Exception):
    """The address did not answer usefully; the message is safe to show (host only)."""


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: CaseInsensitiveDict[str] = field(repr=False)
    content: bytes = field(repr=False)
    url: str = field(repr=False)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def is_forbidden_address(address: IPAddress) -> bool:
    """Loopback, private, link-local, reserved, multicast or unspecified (mapped v6 too)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def host_of(url: str) -> str:
    """The host part alone: what errors and logs may name."""
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def check_url(url: str) -> None:
    """Refuse what is not http(s), or whose host resolves to this server's own network."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL("This is not a valid web address.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("Only http:// and https:// addresses are allowed.")
    host = parts.hostname
    if not host:
        raise UnsafeURL("The address has no host name.")
    if booking_settings.ALLOW_PRIVATE_URLS:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(f"The host name {host} could not be found.") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if is_forbidden_address(address):
            raise UnsafeURL(f"Addresses on this server's own network are not allowed: {address}")


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


def request(
    method: str,
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    data: bytes | str | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    allowed_statuses: Collection[int] | None = None,
    follow_redirects: bool = True,
) -> Response:
    """One request, redirects followed by hand (each hop re-checked), body size and time bound.

    ``auth`` is only sent to the first URL's origin. A status outside
    ``allowed_statuses`` (when given) raises ``FetchError`` naming the status line.
    With ``follow_redirects=False`` (webhooks) a 3xx is the answer, like any other.
    """
    seconds = float(booking_settings.CALENDAR_TIMEOUT_SECONDS if timeout is None else timeout)
    limit = int(booking_settings.CALENDAR_MAX_BYTES if max_bytes is None else max_bytes)
    deadline = time.monotonic() + seconds
    origin = url
    current = url
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc: the guard sees the real host
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current)
            host = host_of(current)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timed_out(host, seconds)
            try:
                answer = session.request(
                    method,
                    current,
                    auth=auth if _same_origin(origin, current) else None,
                    headers=dict(headers or {}),
                    data=data,
                    timeout=(remaining, remaining),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.Timeout as exc:
                raise _timed_out(host, seconds) from exc
            except requests.RequestException as exc:
                raise FetchError(f"Could not connect to {host}") from exc
            with answer:
                if (
                    follow_redirects
                    and answer.status_code in _REDIRECTS
                    and "location" in answer.headers
                ):
                    current = urljoin(current, answer.headers["location"])
                    if answer.status_code == 303:
                        method, data = "GET", None
                    continue
                content = _read(answer, host=host, limit=limit, deadline=deadline, seconds=seconds)
                response = Response(
                    status=answer.status_code,
                    reason=answer.reason or "",
                    headers=CaseInsensitiveDict(answer.headers),
                    content=content,
                    url=current,
                )
            if allowed_statuses is not None and response.status not in allowed_statuses:
                raise FetchError(f"{host} answered {response.status} {response.reason}".rstrip())
            return response
    raise FetchError(f"{host_of(origin)} redirected more than {MAX_REDIRECTS} times")


def _read(
    answer: requests.Response, *, host: str, limit: int, deadline: float, seconds: float
) -> bytes:
    too_big = FetchError(f"The answer from {host} is larger than {_size(limit)}")
    declared = answer.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in answer.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise too_big
            if time.monotonic() > deadline:
                raise _timed_out(host, seconds)
            chunks.append(chunk)
    except requests.RequestException as exc:
        if isinstance(exc, requests.ConnectionError) and "timed out" not in str(exc).lower():
            raise FetchError(f"The connection to {host} broke off") from exc
        raise _timed_out(host, seconds) from exc
    return b"".join(chunks)


def _timed_out(host: str, seconds: float) -> FetchError:
    return FetchError(f"{host} did not answer within {seconds:g} s")


def _size(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{limit} bytes"
