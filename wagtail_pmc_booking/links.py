"""Links the attendee is given: manage tokens, absolute URLs and rebook offers.

Readers (emails, the API, pages) import this rather than the writer in ``booking.py``.
Absolute links come from ``BASE_URL``; without it, from the Wagtail ``Site`` that serves
the booking's booking page (or the default site), else the request: never a made-up host.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

from .conf import booking_settings
from .exceptions import BookingNotFound
from .models import Booking, BookingPage
from .tokens import hashes_match, manage_token, manage_token_lookup_hash

TOKEN_MAX_LENGTH = 128
# A rebook offer (after a cancellation) stays valid for a day.
REBOOK_OFFER_MAX_AGE = timedelta(days=1)
_REBOOK_SALT = "wagtail_pmc_booking.rebook"
# Marks the nonce a cancellation derived from the previous one (``booking._rotate_token``).
CANCELLED_NONCE_PREFIX = "c:"


def manage_token_for(booking: Booking) -> str:
    """The attendee's current token: derived from SECRET_KEY and the nonce, never stored."""
    return manage_token(booking.public_id, booking.token_nonce)


def get_by_manage_token(token: object) -> Booking | None:
    """The booking this manage token opens, or None (unknown, malformed or rotated)."""
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX_LENGTH:
        return None
    if not (token.isascii() and token.isalnum()):
        return None
    booking = (
        Booking.objects.select_related("meeting_type", "host")
        .filter(manage_token_hash=manage_token_lookup_hash(token))
        .first()
    )
    if booking is None or not hashes_match(manage_token_for(booking), token):
        return None
    return booking


def opened_before_cancel(booking: Booking, token: object) -> bool:
    """Whether ``token`` was this booking's manage token when it was cancelled, so a
    stale link can answer "already cancelled" rather than "unknown"."""
    nonce = booking.token_nonce
    if booking.is_confirmed or not nonce.startswith(CANCELLED_NONCE_PREFIX):
        return False
    previous = manage_token(booking.public_id, nonce.removeprefix(CANCELLED_NONCE_PREFIX))
    return isinstance(token, str) and token.isascii() and hashes_match(previous, token)


def site_root_url(booking: Booking | None = None, request: HttpRequest | None = None) -> str:
    """Where the site is: ``BASE_URL``, else the request, else the Wagtail ``Site`` of the
    booking's booking page (or the default site), else ``WAGTAILADMIN_BASE_URL``."""
    base_url: str = booking_settings.BASE_URL
    if base_url:
        return base_url.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    root_url = _root_url_of(booking)
    if root_url is not None:
        return root_url.rstrip("/")
    admin_base_url: str = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return admin_base_url.rstrip("/")


def _root_url_of(booking: Booking | None) -> str | None:
    """The root URL of the site serving the booking's page (Wagtail's cached site root
    paths name it: no ``Site`` row is read), else of the default site."""
    if booking is not None:
        page = BookingPage.objects.live().filter(meeting_type_id=booking.meeting_type_id).first()
        parts = page.get_url_parts() if page is not None else None
        if parts is not None:
            return str(parts[1])
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site is not None else None


def absolute_url(
    path: str, *, booking: Booking | None = None, request: HttpRequest | None = None
) -> str:
    """``path`` on the site's public root (see ``site_root_url``)."""
    return site_root_url(booking, request) + path


def manage_path(name: str, token: str) -> str:
    """The path of one manage page: ``booking``, ``reschedule``, ``cancel`` or ``invite``."""
    return _reverse(f"manage_{name}", token)


def manage_urls(booking: Booking, request: HttpRequest | None = None) -> dict[str, str]:
    """Absolute links to the attendee's reschedule and cancel pages."""
    token = manage_token_for(booking)
    root = site_root_url(booking, request)  # looked up once: it may read the site's pages
    return {name: root + manage_path(name, token) for name in ("reschedule", "cancel")}


def join_details(booking: Booking) -> tuple[str | None, str | None]:
    """``(join_url, passcode)`` of the booking's Zoom meeting, or ``(None, None)``.

    Never a start URL or host key: the meeting record does not hold them.
    """
    meeting = getattr(booking, "meeting", None)
    if not booking.is_confirmed or meeting is None or not getattr(meeting, "join_url", ""):
        return None, None
    return meeting.join_url, meeting.passcode or None


def rebook_offer(booking: Booking, start: datetime) -> str:
    """A signed, day-long offer to book ``start`` again for a cancelled booking's attendee.

    It names the old booking rather than carrying the attendee's details, so the page
    that shows it holds no personal data beyond an opaque, tamper-proof reference.
    """
    payload = {"booking": booking.public_id, "start": start.astimezone(UTC).isoformat()}
    return signing.TimestampSigner(salt=_REBOOK_SALT).sign_object(payload, compress=True)


def rebook_page_url(
    offer: str, *, booking: Booking | None = None, request: HttpRequest | None = None
) -> str:
    """Absolute link to the page that confirms the rebooking ``offer`` names."""
    query = urlencode({"offer": offer})
    return f"{absolute_url(_reverse('rebook'), booking=booking, request=request)}?{query}"


def read_rebook_offer(offer: str) -> tuple[Booking, datetime]:
    """``(cancelled booking, start)`` of a valid offer; ``BookingNotFound`` for any other."""
    try:
        payload = signing.TimestampSigner(salt=_REBOOK_SALT).unsign_object(
            offer, max_age=REBOOK_OFFER_MAX_AGE
        )
        start = datetime.fromisoformat(payload["start"])
        booking = Booking.objects.select_related("meeting_type", "host").get(
            public_id=payload["booking"]
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Booking.DoesNotExist) as exc:
        raise BookingNotFound() from exc
    if booking.is_confirmed:
        raise BookingNotFound()
    return booking, start


def _reverse(name: str, *args: str) -> str:
    try:
        return reverse(f"wagtail_pmc_booking:{name}", args=args)
    except NoReverseMatch as exc:
        raise ImproperlyConfigured(
            "Include wagtail_pmc_booking.urls in the site's URLconf, e.g. "
            'path("booking/", include("wagtail_pmc_booking.urls")).'
        ) from exc
