"""Finding what a request names (meeting type, host, booking) and whether it may touch it."""

import re

from django.utils.translation import gettext as _

from .. import links
from ..availability import meeting_type_hosts
from ..exceptions import BookingCancelled, InvalidBookingRequest
from ..models import Booking, Host, MeetingType
from ..models.bookings import BookingStatus
from .auth import ApiRequest
from .errors import NotFound, Unauthorized

PUBLIC_ID_RE = re.compile(r"bk_[a-z2-7]{12,29}")


def meeting_type(slug: str) -> MeetingType:
    """An active meeting type; inactive ones are as unknown to clients as missing ones."""
    found: MeetingType | None = MeetingType.objects.filter(slug=slug, is_active=True).first()
    if found is None:
        raise NotFound(_("There is no meeting type “%(slug)s”.") % {"slug": slug})
    return found


def pool_host(meeting_type: MeetingType, slug: str) -> Host:
    """One active host of ``meeting_type`` by slug; any other slug is a bad ``host``."""
    hosts: list[Host] = meeting_type_hosts(meeting_type)
    for host in hosts:
        if host.slug == slug:
            return host
    raise InvalidBookingRequest(
        _("That host does not offer this meeting."),
        fields={"host": [_("Choose one of the hosts of this meeting type.")]},
    )


def booking_by_id(booking_id: str, *, sandbox: bool | None = None) -> Booking:
    """``sandbox`` (a key's view) hides the other kind of booking as if it did not exist."""
    if not PUBLIC_ID_RE.fullmatch(booking_id):
        raise NotFound(_("There is no such booking."))
    bookings = Booking.objects.select_related("meeting_type", "host", "meeting", "attendance")
    if sandbox is not None:
        bookings = bookings.filter(is_sandbox=sandbox)
    found: Booking | None = bookings.filter(public_id=booking_id).first()
    if found is None:
        raise NotFound(_("There is no such booking."))
    return found


def booking_for(
    request: ApiRequest, booking_id: str, token: str | None, *, changing: bool = False
) -> Booking:
    """The booking a key holder names, or the one the manage token opens.

    A key sees only bookings of its own kind (test keys sandbox ones, live keys live
    ones). The token must open the booking in the path. A change (reschedule, cancel)
    rotates the token; a change asked of a cancelled booking with the token it had when it was
    cancelled answers ``booking_cancelled`` as a key would; any other token is refused.
    """
    if not request.auth.is_anonymous:
        return booking_by_id(booking_id, sandbox=request.auth.sandbox)
    if not token:
        raise Unauthorized(_("Send an API key, or the booking's manage token as “token”."))
    found = links.get_by_manage_token(token)
    if found is None:
        if changing and PUBLIC_ID_RE.fullmatch(booking_id):
            cancelled = Booking.objects.filter(
                public_id=booking_id, status=BookingStatus.CANCELLED
            ).first()
            if cancelled is not None and links.opened_before_cancel(cancelled, token):
                raise BookingCancelled()
        raise Unauthorized(_("This manage token is not valid (any more)."))
    if found.public_id != booking_id:
        raise NotFound(_("There is no such booking."))
    return booking_by_id(booking_id)
