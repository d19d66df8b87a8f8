"""Random identifiers and keyed hashes for public ids and secret tokens."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def random_base32(length: int) -> str:
    raw = secrets.token_bytes(length)
    return base64.b32encode(raw).decode("ascii").lower().rstrip("=")[:length]


def new_public_id() -> str:
    return "bk_" + random_base32(16)


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` keyed by the site's secret, so a leaked table is useless."""
    key = hashlib.sha256(f"wagtail_pmc_booking:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def hashes_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def manage_token(public_id: str, nonce: str) -> str:
    """The attendee's manage token: derived, never stored; a new nonce retires old links."""
    return keyed_hash(f"{public_id}:{nonce}", "manage-token")[:40]


def manage_token_lookup_hash(token: str) -> str:
    return keyed_hash(token, "manage-token-lookup")
