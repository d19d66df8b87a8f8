"""A fake Zoom on loopback HTTP: OAuth token endpoint and the meeting endpoints we use.

Real sockets, so the client's timeouts, connection errors and retries are exercised as they
are against Zoom. Requests are validated against Zoom's OpenAPI document; answers carry
the secrets Zoom sends (``start_url`` with its ``zak``) so tests can prove they go no
further. Faults are queued with ``fail_next``/``set_fault`` (``every=n``: only each n-th
matching request, so a standing fault makes Zoom flap); ``pause``/``resume`` stop and
restart listening on the same port.
"""

import base64
import hashlib
import itertools
import json
import secrets
import socket
import struct
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

from . import spec as zoom_spec

FAULT_KINDS = frozenset(
    {"500", "timeout", "refused", "429", "daily_limit", "expired_token", "lost_response"}
)
DAILY_LIMIT_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)
DEFAULT_SETTINGS = {
    "host_video": False,
    "participant_video": False,
    "join_before_host": False,
    "mute_upon_entry": False,
    "waiting_room": False,
    "approval_type": 2,
    "audio": "voip",
    "auto_recording": "none",
    "alternative_hosts": "",
}
# How long "timeout" and hanging "lost_response" faults hold a request (stop() ends it).
DEFAULT_HANG_SECONDS = 5.0

CREATE = "/users/{userId}/meetings"
MEETING = "/meetings/{meetingId}"
ROUTES = ((CREATE, ("POST", "GET")), (MEETING, ("GET", "PATCH", "DELETE")))


@dataclass
class Call:
    """One API request as the fake saw it (token requests are only counted)."""

    method: str
    path: str
    query: dict
    body: object
    headers: dict


@dataclass
class _Fault:
    kind: str
    target: str
    remaining: int | None
    method: str | None
    options: dict = field(default_factory=dict)
    # Hits each ``every``-th request that matches it (and no earlier fault took).
    every: int = 1
    seen: int = 0


class _Dropped(Exception):
    """The fault closed the connection; nothing is to be sent."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 drops connections when a test fires several at once.
    request_queue_size = 128

    def __init__(self, address, fake):
        self.fake = fake
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "FakeZoom/1.0"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.server.fake._handle(self)

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def drop(self):
        """Reset the connection (RST), as a crashed or unreachable server does."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.wfile.close()
            self.connection.close()
        except OSError:
            pass
        self.rfile, self.wfile = BytesIO(), BytesIO()


class FakeZoom:
    def __init__(
        self,
        *,
        account_id="fake-account",
        client_id="fake-client-id",
        client_secret="fake-client-secret",
        token_ttl=3600,
        users=None,
        list_includes_agenda=False,
        spec_path=None,
    ):
        self.account_id = account_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        # None accepts every user id; a set makes the others "User does not exist" (1001).
        self.users = users
        # Zoom's listings may leave the agenda out; the default makes the client cope.
        self.list_includes_agenda = list_includes_agenda
        self.spec = zoom_spec.load_spec(spec_path)
        self.calls = []
        self.meetings = {}
        self.tokens = {}
        self.token_requests = 0
        self.validation_errors = []
        self.server_errors = []
        # How many requests each fault kind has failed so far.
        self.injected = Counter()
        self._issued = []
        self.port = None
        self._faults = []
        self._page_tokens = {}
        self._token_gate = None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._ids = itertools.count(2**53 + 1 + secrets.randbelow(10**6) * 1000)
        self._httpd = None
        self._thread = None

    # Lifecycle

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}/v2"

    @property
    def token_url(self):
        return f"http://127.0.0.1:{self.port}/oauth/token"

    def start(self):
        self._stopping.clear()
        self._listen()
        return self

    def stop(self):
        """Stop listening and end requests held by "timeout"/"lost_response" faults."""
        self._stopping.set()
        self._close_listener()

    def pause(self):
        """Stop listening, so connections are refused until ``resume``."""
        self._close_listener()

    def resume(self):
        self._listen()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _listen(self):
        self._httpd = _Server(("127.0.0.1", self.port or 0), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-zoom-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def _close_listener(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = self._thread = None

    # Test controls

    def fail_next(self, kind, count=1, *, target="api", method=None, every=1, **options):
        """Make the next ``count`` matching requests fail with ``kind``.

        ``target`` is ``"api"`` or ``"token"``; ``method`` limits it to one HTTP method;
        ``every=n`` skips the matching requests in between (the n-th, 2n-th… fail).
        Options: ``status`` ("500"); ``seconds`` ("timeout", hanging "lost_response");
        ``retry_after`` header value or None ("429", "daily_limit"); ``legacy=True``
        ("daily_limit" as HTTP 300); ``mode="reset"|"hang"`` ("lost_response").
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault {kind!r}; choose from {sorted(FAULT_KINDS)}")
        if target not in ("api", "token") or (
            target == "token" and kind in ("expired_token", "lost_response")
        ):
            raise ValueError(f"A {kind!r} fault cannot target {target!r}")
        if every < 1:
            raise ValueError(f"every must be 1 or more, not {every!r}")
        method = method and method.upper()
        with self._lock:
            self._faults.append(_Fault(kind, target, count, method, options, every=every))

    def set_fault(self, kind, count=None, **options):
        """Like ``fail_next``; without ``count`` the fault lasts until ``clear_faults``."""
        self.fail_next(kind, count, **options)

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def hold_token_requests(self):
        """Hold token requests until the returned event is set (to make callers overlap)."""
        gate = threading.Event()
        with self._lock:
            self._token_gate = gate
        return gate

    def wait_for(self, predicate, timeout=5.0):
        """Block until ``predicate()`` holds after some request; False on timeout."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def revoke_tokens(self):
        with self._lock:
            self.tokens.clear()

    def add_meeting(self, user, *, start_time, duration=30, topic="Seeded", agenda=""):
        """Put a meeting straight into the store, as if created earlier."""
        with self._lock:
            return self._new_meeting(
                user,
                {"topic": topic, "start_time": start_time, "duration": duration, "agenda": agenda},
            )

    def calls_to(self, method, template=None):
        """Calls with ``method``, optionally only those whose path matches ``template``."""
        return [
            c
            for c in self.calls
            if c.method == method and (template is None or _match(template, c.path[3:]))
        ]

    def secret_values(self):
        """Every secret handed out so far (tokens, start links, their ``zak``) and the
        client secret: none may reach the app's data, logs or messages."""
        with self._lock:
            return [self.client_secret, *self._issued]

    def _secret(self, value):
        self._issued.append(value)
        return value

    def _start_url(self, meeting_id):
        zak = self._secret(secrets.token_urlsafe(32))
        return self._secret(f"https://zoom.us/s/{meeting_id}?zak={zak}")

    # Request handling

    def _handle(self, handler):
        url = urlsplit(handler.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            if url.path == "/oauth/token":
                answer = self._token_endpoint(handler, raw, query)
            elif url.path.startswith("/v2/"):
                answer = self._api(handler, url.path[3:], query, raw)
            else:
                answer = (404, {"code": 404, "message": "Not found."}, {})
        except _Dropped:
            return
        except Exception:
            with self._lock:
                self.server_errors.append(traceback.format_exc())
            answer = (500, {"code": 500, "message": "The fake Zoom crashed."}, {})
        finally:
            with self._changed:
                self._changed.notify_all()
        self._send(handler, *answer)

    def _send(self, handler, status, payload, headers):
        body = b"" if payload is None else json.dumps(payload).encode()
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if payload is not None:
            handler.send_header("Content-Type", "application/json;charset=UTF-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _hang_then_drop(self, handler, fault):
        self._stopping.wait(fault.options.get("seconds", DEFAULT_HANG_SECONDS))
        handler.drop()
        raise _Dropped

    def _next_fault(self, target, method):
        with self._lock:
            for fault in self._faults:
                if fault.target == target and fault.method in (None, method):
                    fault.seen += 1
                    if fault.seen % fault.every == 0:
                        return fault
        return None

    def _use(self, fault):
        """Count a fault as spent; a request that fails earlier (say, on auth) leaves it."""
        with self._lock:
            self.injected[fault.kind] += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0 and fault in self._faults:
                    self._faults.remove(fault)

    def _transport_fault(self, handler, fault):
        """Faults that happen before Zoom looks at the request; None when there is none."""
        if fault is None or fault.kind in ("lost_response", "expired_token"):
            return None
        self._use(fault)
        if fault.kind == "refused":
            handler.drop()
            raise _Dropped
        if fault.kind == "timeout":
            self._hang_then_drop(handler, fault)
        if fault.kind == "500":
            status = fault.options.get("status", 500)
            return status, {"code": status, "message": "Internal server error."}, {}
        if fault.kind == "429":
            headers = {"X-RateLimit-Type": "QPS"}
            retry_after = fault.options.get("retry_after", "1")
            if retry_after is not None:
                headers["Retry-After"] = retry_after
            message = "You have reached the maximum per-second rate limit for this API."
            return 429, {"code": 429, "message": message}, headers
        if fault.kind == "daily_limit":
            midnight = (datetime.now(UTC) + timedelta(days=1)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            headers = {"X-RateLimit-Type": "Daily-limit", "X-RateLimit-Remaining": "0"}
            retry_after = fault.options.get("retry_after", midnight.strftime("%Y-%m-%dT%H:%M:%SZ"))
            if retry_after is not None:
                headers["Retry-After"] = retry_after
            status = 300 if fault.options.get("legacy") else 429
            return status, {"code": 429, "message": DAILY_LIMIT_MESSAGE}, headers
        raise AssertionError(fault.kind)

    def _token_endpoint(self, handler, raw, query):
        with self._lock:
            self.token_requests += 1
            gate = self._token_gate
        with self._changed:
            self._changed.notify_all()
        if gate is not None:
            gate.wait(5)
        answer = self._transport_fault(handler, self._next_fault("token", handler.command))
        if answer:
            return answer
        if handler.command != "POST":
            return 405, {"reason": "Method not allowed", "error": "invalid_request"}, {}
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if handler.headers.get("Authorization") != f"Basic {expected}":
            return (
                401,
                {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                {},
            )
        form = {**query, **dict(parse_qsl(raw.decode()))}
        if form.get("grant_type") != "account_credentials":
            return 400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"}, {}
        if form.get("account_id") != self.account_id:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}, {}
        with self._lock:
            token = self._secret(f"fake-at-{secrets.token_urlsafe(24)}")
            self.tokens[token] = time.monotonic() + self.token_ttl
        return (
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_ttl,
                "scope": "meeting:read:admin meeting:write:admin",
                "api_url": f"http://127.0.0.1:{self.port}",
            },
            {},
        )

    def _api(self, handler, path, query, raw):
        method = handler.command
        route = next(
            ((t, methods, p) for t, methods in ROUTES if (p := _match(t, path)) is not None), None
        )
        if route is None:
            return 404, {"code": 404, "message": "Not found."}, {}
        template, methods, params = route
        body, body_error = _parse_body(raw) if raw else (None, None)
        keep = ("Authorization", "Content-Type", "Accept", "User-Agent")
        with self._changed:
            self.calls.append(
                Call(method, "/v2" + path, query, body, {k: handler.headers.get(k) for k in keep})
            )
            self._changed.notify_all()
        if method not in methods:
            return 405, {"code": 405, "message": "Method not allowed."}, {}
        fault = self._next_fault("api", method)
        answer = self._transport_fault(handler, fault)
        if answer:
            return answer
        if fault is not None and fault.kind == "expired_token":
            self._use(fault)
            self.revoke_tokens()
        denied = self._check_token(handler)
        if denied:
            return denied
        errors = (
            [body_error] if body_error else self._validate(template, method, params, query, body)
        )
        if errors:
            with self._lock:
                self.validation_errors.extend(f"{method} {template}: {e}" for e in errors)
            return 400, _validation_failed(errors), {}
        with self._lock:
            answer = self._dispatch(template, method, params, query, body)
        if fault is not None and fault.kind == "lost_response":
            self._use(fault)
            if fault.options.get("mode", "reset") == "hang":
                self._hang_then_drop(handler, fault)
            handler.drop()
            raise _Dropped
        return answer

    def _check_token(self, handler):
        auth = handler.headers.get("Authorization") or ""
        expires = self.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if expires is None:
            return 401, {"code": 124, "message": "Invalid access token."}, {}
        if expires <= time.monotonic():
            return 401, {"code": 124, "message": "Access token is expired."}, {}
        return None

    def _validate(self, template, method, params, query, body):
        errors = zoom_spec.validate_parameters(self.spec, template, method, params, query)
        schema = zoom_spec.request_schema(self.spec, template, method)
        if schema is not None:
            if body is None:
                errors.append("body: required")
            else:
                errors.extend(zoom_spec.validate(schema, body))
                password = body.get("password") if isinstance(body, dict) else None
                if isinstance(password, str) and not zoom_spec.PASSCODE_RE.fullmatch(password):
                    errors.append(f"body.password: {password!r} breaks Zoom's passcode rules")
        elif body is not None:
            errors.append("body: this operation takes none")
        return errors

    def _dispatch(self, template, method, params, query, body):
        if template == CREATE:
            user = params["userId"]
            if self.users is not None and user not in self.users:
                return 404, {"code": 1001, "message": f"User does not exist: {user}."}, {}
            if method == "POST":
                meeting = self._new_meeting(user, body)
                return 201, self._shaped(meeting, CREATE, "POST", 201), {}
            return self._list(user, query)
        meeting = self.meetings.get(int(params["meetingId"]))
        if meeting is None:
            message = f"Meeting {params['meetingId']} is not found or has expired."
            return 404, {"code": 3001, "message": message}, {}
        if method == "GET":
            meeting["start_url"] = self._start_url(meeting["id"])
            return 200, self._shaped(meeting, MEETING, "GET", 200), {}
        if method == "PATCH":
            self._apply(meeting, body)
            return 204, None, {}
        del self.meetings[meeting["id"]]
        return 204, None, {}

    def _new_meeting(self, user, body):
        meeting_id = next(self._ids)
        email = user if "@" in user else f"{user}@example.invalid"
        meeting = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": "h" + hashlib.sha256(email.encode()).hexdigest()[:21],
            "host_email": email,
            "topic": "Zoom meeting",
            "type": 2,
            "status": "waiting",
            "duration": 60,
            "timezone": "UTC",
            "agenda": "",
            "created_at": _iso(datetime.now(UTC)),
            "start_url": self._start_url(meeting_id),
            "pre_schedule": False,
            "settings": dict(DEFAULT_SETTINGS),
        }
        self._apply(meeting, {"password": "", **body})
        meeting.setdefault("start_time", _iso(datetime.now(UTC)))
        self.meetings[meeting_id] = meeting
        return meeting

    def _apply(self, meeting, changes):
        for name, value in changes.items():
            if name == "settings":
                meeting["settings"] = {**meeting["settings"], **value}
            elif name == "start_time":
                zone = changes.get("timezone") or meeting.get("timezone") or "UTC"
                meeting["start_time"] = _iso(_to_utc(value, zone))
            else:
                meeting[name] = value
        password = meeting["password"]
        encrypted = hashlib.sha256(f"{meeting['id']}:{password}".encode()).hexdigest()[:32]
        meeting["encrypted_password"] = encrypted if password else ""
        meeting["h323_password"] = str(int(encrypted, 16))[:6] if password else ""
        meeting["join_url"] = f"https://zoom.us/j/{meeting['id']}" + (
            f"?pwd={encrypted}" if password else ""
        )

    def _list(self, user, query):
        page_size = int(query.get("page_size", 30))
        now = datetime.now(UTC)
        mine = [m for m in self.meetings.values() if user in (m["host_email"], m["host_id"])]
        if query.get("type", "scheduled") in ("upcoming", "upcoming_meetings"):
            mine = [
                m
                for m in mine
                if _to_utc(m["start_time"], "UTC") + timedelta(minutes=m["duration"]) > now
            ]
        mine.sort(key=lambda m: (m["start_time"], m["id"]))
        offset = 0
        if query.get("next_page_token"):
            offset = self._page_tokens.get(query["next_page_token"])
            if offset is None:
                return 400, {"code": 300, "message": "Invalid next_page_token."}, {}
        next_token = ""
        if offset + page_size < len(mine):
            next_token = secrets.token_urlsafe(16)
            self._page_tokens[next_token] = offset + page_size
        item_schema = zoom_spec.response_schema(self.spec, CREATE, "GET", 200)
        item_fields = set(item_schema["properties"]["meetings"]["items"]["properties"])
        if not self.list_includes_agenda:
            item_fields.discard("agenda")
        page = [
            {k: v for k, v in m.items() if k in item_fields}
            for m in mine[offset : offset + page_size]
        ]
        return (
            200,
            {
                "next_page_token": next_token,
                "page_size": page_size,
                "total_records": len(mine),
                "meetings": page,
            },
            {},
        )

    def _shaped(self, meeting, template, method, status):
        """The stored meeting cut down to what the spec's response schema declares."""
        schema = zoom_spec.response_schema(self.spec, template, method, status)
        allowed = schema["properties"]
        shaped = {k: v for k, v in meeting.items() if k in allowed}
        shaped["settings"] = {
            k: v for k, v in meeting["settings"].items() if k in allowed["settings"]["properties"]
        }
        return json.loads(json.dumps(shaped))


def _match(template, path):
    """Path parameters if ``path`` fits ``template`` (``/meetings/{meetingId}``), else None."""
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    if len(want) != len(got):
        return None
    params = {}
    for pattern, part in zip(want, got):
        if pattern.startswith("{"):
            params[pattern[1:-1]] = unquote(part)
        elif pattern != part:
            return None
    return params


def _parse_body(raw):
    try:
        body = json.loads(raw)
    except ValueError:
        return None, "body: Request Body should be a valid JSON object."
    if not isinstance(body, dict):
        return None, "body: Request Body should be a valid JSON object."
    return body, None


def _validation_failed(errors):
    return {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [
            {"field": e.split(":", 1)[0], "message": e.split(":", 1)[-1].strip()} for e in errors
        ],
    }


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_utc(value, zone):
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def http_date(moment):
    """An RFC 9110 HTTP date, for ``Retry-After`` in tests."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
