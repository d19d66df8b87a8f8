"""Public pages behind the attendee's links: view, reschedule, cancel, rebook, invite,
add to calendar.

One manage experience: each page is the attendee widget in the matching mode (the same
month calendar as the booking page), with a server-rendered form inside ``<noscript>``
for browsers without JavaScript, posting back to the same URL. Thin adapters over
``booking.py``; any unknown, malformed or used token gets the same friendly 404 page, so
a page never tells whether a booking exists. Every page speaks the booking's language
(``languages.of_booking``), whoever's browser opens the link; a page without a booking
(an unknown link) speaks the browser's.
"""

from datetime import date, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from . import availability, calendar_links, languages, links, offers
from . import booking as booking_service
from .api import ratelimit
from .api.errors import RateLimited
from .conf import booking_settings
from .exceptions import (
    BookingCancelled,
    BookingChanged,
    BookingError,
    BookingNotFound,
    TooLate,
)
from .notifications.ics import attendee_invite, join_details
from .scheduling import slots_by_local_date
from .widget import widget_config

TEMPLATES = "wagtail_pmc_booking/manage"
CHANGES = {"rescheduled", "booked"}
# The "add to calendar" services the redirect knows (the .ics is ``manage_invite``).
CALENDAR_SERVICES = ("google", "outlook", "office365")
# Keeps the token out of every other site's Referer, yet lets the browser send a real
# Origin with same-origin form posts (``no-referrer`` makes it "null": CSRF refuses it).
REFERRER_POLICY = "same-origin"


def private_response(response: HttpResponse) -> HttpResponse:
    """Headers of every page that carries a manage token or offer."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = REFERRER_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _private(view):
    """Token pages: rate-limited per IP, CSRF-checked, never cached, indexed or referred.

    Outside any ``ATOMIC_REQUESTS`` transaction, so a change commits (and Zoom runs)
    before the confirmation is rendered.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        rate = ratelimit.parse_rate(booking_settings.MANAGE_RATE_LIMIT)
        try:
            ratelimit.hit(f"manage:{ratelimit.client_ip(request)}", rate)
        except RateLimited as exc:
            with translation.override(languages.for_request(request)):
                response = render(request, f"{TEMPLATES}/rate_limited.html", status=429)
            response["Retry-After"] = str(exc.retry_after)
        else:
            response = view(request, *args, **kwargs)
        return private_response(response)

    return transaction.non_atomic_requests(
        require_http_methods(["GET", "HEAD", "POST"])(csrf_protect(wrapper))
    )


@_private
def manage_booking(request, token):
    booking = links.get_by_manage_token(token)
    if booking is None or not booking.is_confirmed:
        return _invalid(request)
    changed = request.GET.get("changed")
    with _speaking(booking):
        add = calendar_links.calendar_links(booking, links.manage_urls(booking, request))
    context = {"changed": changed if changed in CHANGES else None, "calendar_links": add}
    return _render(request, "booking.html", booking, token, "confirmed", context)


@_private
def manage_calendar(request, token, service):
    """ "Add to Google Calendar" and Outlook's: a redirect to the service's event template,
    built when clicked, so the event carries the current time, Zoom link and manage links."""
    booking = links.get_by_manage_token(token)
    if booking is None or service not in CALENDAR_SERVICES:
        return _invalid(request)
    if not booking.is_confirmed:
        return _cancelled(request, booking)
    with _speaking(booking):
        targets = calendar_links.calendar_links(booking, links.manage_urls(booking, request))
    return redirect(targets[service])


@_private
def manage_reschedule(request, token):
    booking = links.get_by_manage_token(token)
    if booking is None or not booking.is_confirmed:
        return _invalid(request)
    if not booking.attendee_may_change(timezone.now()):
        return _too_late(request, booking)
    error, status = None, 200
    if request.method == "POST":
        start = _parse_start(request.POST.get("start"))
        if start is None:
            with _speaking(booking):
                error, status = _("Please choose one of the times shown."), 400
        else:
            try:
                with _speaking(booking):
                    result = booking_service.reschedule(booking, start=start, token=token)
            except (BookingCancelled, BookingChanged):
                return _invalid(request)
            except TooLate:
                return _too_late(request, booking)
            except BookingError as exc:
                error, status = exc.message, exc.status
            else:
                return _to_booking(result, "rescheduled")
    now = timezone.now()
    picker = _day_picker(booking, request.POST.get("date") or request.GET.get("date"), now)
    context = {"error": error, **picker}
    return _render(request, "reschedule.html", booking, token, "reschedule", context, status)


@_private
def manage_cancel(request, token):
    booking = links.get_by_manage_token(token)
    if booking is None or not booking.is_confirmed:
        return _invalid(request)
    if not booking.attendee_may_change(timezone.now()):
        return _too_late(request, booking)
    context, status = {"reason": ""}, 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            with _speaking(booking):
                result = booking_service.cancel(booking, reason=reason, token=token)
        except (BookingCancelled, BookingChanged):
            return _invalid(request)
        except TooLate:
            return _too_late(request, booking)
        except BookingError as exc:
            context.update(error=exc.message, reason=reason)
            status = exc.status
        else:
            return _cancelled(request, result.booking)
    return _render(request, "cancel.html", booking, token, "cancel", context, status)


@_private
def manage_invite(request, token):
    """The attendee's calendar file: the emailed invite's writer, UID and SEQUENCE."""
    booking = links.get_by_manage_token(token)
    if booking is None or not booking.is_confirmed:
        return _invalid(request)
    response = HttpResponse(attendee_invite(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.meeting_type.slug}.ics"'
    return response


@_private
def rebook(request):
    """Book one of the times offered after a cancellation (page or email), in one click."""
    offer = request.POST.get("offer") if request.method == "POST" else request.GET.get("offer")
    try:
        old, start = links.read_rebook_offer(offer or "")
    except BookingNotFound:
        return _invalid(request)
    context, status = {"offer": offer, "start": start}, 200
    if request.method == "POST":
        try:
            with _speaking(old):
                result = booking_service.rebook(offer)
        except BookingNotFound:
            return _invalid(request)
        except BookingError as exc:
            context.update(error=exc.message, offers=offers.rebook_offers(old))
            status = exc.status
        else:
            return _to_booking(result, "booked")
    return _render_plain(request, "rebook.html", old, context, status=status)


def _render(request, name, booking, token, mode, context, status=200):
    """The widget in ``mode`` for this booking, with ``name`` as the no-JavaScript page."""
    widget = widget_config(booking.meeting_type, mode=mode, booking=booking, manage_token=token)
    context = {
        "widget": widget,
        "fallback_template": f"{TEMPLATES}/{name}",
        "urls": _urls(token),
        **context,
    }
    return _render_plain(request, "widget_page.html", booking, context, status=status)


def _render_plain(request, name, booking, context, status=200):
    """Render in the attendee's zone and language, so every time on the page is their
    local time and every word (and ``<html lang>``) is in the language they booked in."""
    context = {"booking": booking, "timezone_name": booking.attendee_timezone, **context}
    context.update(_meeting(booking))
    with timezone.override(booking.attendee_zoneinfo), _speaking(booking):
        return render(request, f"{TEMPLATES}/{name}", context, status=status)


def _speaking(booking):
    """The booking's language for what is rendered (or raised, for its message) inside."""
    return translation.override(languages.of_booking(booking))


def _cancelled(request, booking):
    """The cancelled booking and up to three times to book again."""
    with _speaking(booking):
        context = {"offers": offers.rebook_offers(booking)}
    return _render_plain(request, "cancelled.html", booking, context)


def _too_late(request, booking):
    """The booking, and why it cannot be changed here: 200 to a link, 409 to a change."""
    status = TooLate.status if request.method == "POST" else 200
    with _speaking(booking):
        context = {"message": TooLate.default_message}
    return _render_plain(request, "too_late.html", booking, context, status=status)


def _invalid(request):
    """No booking to speak for: the browser's language among the site's."""
    with translation.override(languages.for_request(request)):
        return render(request, f"{TEMPLATES}/invalid.html", status=404)


def _meeting(booking):
    join_url, passcode = join_details(booking)
    return {"join_url": join_url, "passcode": passcode}


def _urls(token):
    return {name: links.manage_path(name, token) for name in ("booking", "reschedule", "cancel")}


def _to_booking(result, change):
    url = links.manage_path("booking", result.manage_token)
    return redirect(f"{url}?{urlencode({'changed': change})}")


def _parse_start(value):
    try:
        start = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return start if start.utcoffset() is not None else None


def _parse_date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _day_picker(booking, requested, now):
    """The day to show (asked for, else the first with free times), its slots and days.

    ``days`` are the attendee-local dates with free times in the next fortnight from the
    shown day, for one-click navigation next to the date input.
    """
    tz = booking.attendee_zoneinfo
    meeting_type = booking.meeting_type
    today = now.astimezone(tz).date()
    last_day = (now + timedelta(days=meeting_type.booking_horizon_days)).astimezone(tz).date()
    day = _parse_date(requested)
    if day is None or not today <= day <= last_day:
        day = None
    scan_from = availability.local_day_range(day or today, day or today, tz)[0]
    horizon = now + timedelta(days=meeting_type.booking_horizon_days)
    by_day = {}
    for window_start, window_end in availability.lookahead_windows(scan_from, horizon):
        slots = offers.reschedule_options(
            booking, range_start=max(window_start, now), range_end=window_end, now=now
        )
        by_day = slots_by_local_date(slots, tz)
        if by_day or day is not None:
            break
    if day is None:
        day = min(by_day, default=today)
    return {
        "day": day,
        "slots": by_day.get(day, []),
        "days": sorted(by_day),
        "previous_day": day - timedelta(days=1) if day > today else None,
        "next_day": day + timedelta(days=1) if day < last_day else None,
        "first_day": today,
        "last_day": last_day,
    }
