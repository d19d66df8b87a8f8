"""The ``X-PMC-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` per secret.

The signed message is ``"<t>.<raw body>"``. While a rolled secret is still valid the
header carries two ``v1=`` values, the current secret's first, so a receiver that
checks either keeps working through the roll.
"""

import hashlib
import hmac
from collections.abc import Iterable

# A receiver should refuse a signature older than this (seconds): our docs say so.
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed by ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp``, one ``v1=`` per secret."""
    parts = [f"t={timestamp}"]
    parts += [f"v1={signature(secret, timestamp, body)}" for secret in secrets]
    return ",".join(parts)


def verify(
    secret: str, value: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does: a recent ``t`` and one ``v1`` matching ``secret``."""
    fields = [part.split("=", 1) for part in value.split(",") if "=" in part]
    stamps = [v for k, v in fields if k.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, v.strip()) for k, v in fields if k.strip() == "v1")
