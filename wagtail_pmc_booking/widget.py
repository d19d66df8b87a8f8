"""What the attendee widget needs to start: one JSON config shared by page, block and embed.

The config carries the widget's texts too (``widget_strings()``), translated here with
Django's ``gettext`` so the JavaScript holds no words of its own.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from . import languages, questions
from .conf import booking_settings


def api_base_url():
    """The API mount point, found from its OpenAPI document's URL."""
    try:
        return reverse("pmc_booking_api:openapi-json").removesuffix("openapi.json")
    except NoReverseMatch:
        return booking_settings.API_BASE_PATH


def _path_pattern(name, *placeholders):
    """URL ``name``'s path with ``{placeholder}`` for each argument, for the widget to
    fill in, or None where the site does not mount it."""
    try:
        path = reverse(f"wagtail_pmc_booking:{name}", args=[p.upper() for p in placeholders])
    except NoReverseMatch:
        return None
    for placeholder in placeholders:
        path = path.replace(placeholder.upper(), f"{{{placeholder}}}")
    return path


def invite_url_pattern():
    """The invite download's path with ``{token}``, or None."""
    return _path_pattern("manage_invite", "token")


def calendar_url_pattern():
    """The "add to calendar" redirect's path with ``{token}`` and ``{service}``, or None."""
    return _path_pattern("manage_calendar", "token", "service")


def widget_language(request=None, page=None, booking=None):
    """The widget's language: the booking's, else the page's or the browser's (``languages``),
    else the active one (a page rendered without a request)."""
    if booking is not None and booking.language:
        return languages.of_booking(booking)
    if request is None and page is None:
        return languages.supported(translation.get_language()) or languages.site_default()
    return languages.for_request(request, page)


def widget_config(
    meeting_type,
    *,
    host=None,
    mode="book",
    booking=None,
    manage_token=None,
    request=None,
    page=None,
):
    """Plain data for ``json_script``; nothing secret beyond the attendee's own token.

    With a ``request``, the page URL's ``?name=&email=&<question key>=`` become the form's
    ``prefill`` and its UTM and click ids the booking's ``tracking``. Texts are rendered in
    ``language``, which the JavaScript also uses for every date and time it formats.
    """
    language = widget_language(request, page, booking)
    query = request.GET if request is not None else {}
    with translation.override(language):
        return _config(meeting_type, host, mode, booking, manage_token, language, query)


def _prefill(meeting_type, booking, query):
    """The URL's prefill; on a manage page, the booking's own attendee and answers, so
    "Choose another time" after a cancel does not ask again."""
    prefill = questions.prefill_from_query(meeting_type.question_list, query)
    if booking is None:
        return prefill
    return {
        "name": booking.attendee_name,
        "email": booking.attendee_email,
        "answers": dict(booking.answers or {}),
        **prefill,
    }


def _config(meeting_type, host, mode, booking, manage_token, language, query):
    config = {
        "mode": mode,
        "apiBase": api_base_url(),
        "meetingType": {
            "slug": meeting_type.slug,
            "name": meeting_type.name,
            "durations": list(meeting_type.durations or []),
            "defaultDuration": meeting_type.default_duration,
        },
        "host": host.slug if host else None,
        "inviteUrl": invite_url_pattern(),
        # The language of the strings and of Intl's dates (a BCP 47 tag, as Django's are).
        "language": language,
        "strings": widget_strings(),
        "prefill": _prefill(meeting_type, booking, query),
        "tracking": questions.tracking_from_query(query),
    }
    if booking is not None:
        config["booking"] = {
            "bookingId": booking.public_id,
            "start": booking.start.isoformat().replace("+00:00", "Z"),
            "end": booking.end.isoformat().replace("+00:00", "Z"),
            "duration": booking.duration_minutes,
            "timezone": booking.attendee_timezone,
            "hostName": booking.host.name,
        }
        config["token"] = manage_token
    return config


# Counts that between them fall into every CLDR plural category of every language.
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 6, 7, 11, 21, 100, 1000000)


def _plural(message):
    """``message(n)`` (an ``ngettext`` call) for each sample count; ``strings.js`` gives a
    count the form of the sample in its plural category (``Intl.PluralRules``)."""
    return {str(n): message(n) for n in PLURAL_SAMPLES}


def widget_strings():
    """Every text the widget shows, keyed as ``strings.js`` asks for them.

    Placeholders are Django's ``%(name)s``; a plural message is a dict (see ``_plural``).
    ``tests/widget/test_static.py`` fails if the JavaScript asks for a key missing here.
    """
    return {
        "pickTitle": gettext("Select a date & time"),
        "rescheduleTitle": gettext("Choose a new time"),
        "duration": gettext("Meeting length"),
        "minutes": _plural(lambda n: ngettext("%(n)s min", "%(n)s min", n)),
        "prevMonth": gettext("Previous month"),
        "nextMonth": gettext("Next month"),
        "timezone": gettext("Time zone"),
        "badZone": gettext("Choose a time zone from the list."),
        "clock12": gettext("12-hour clock"),
        "pickDay": gettext("Pick a day to see its times."),
        "noTimesMonth": gettext("No times left in %(month)s."),
        "dayOpen": _plural(
            lambda n: ngettext(
                "%(date)s, %(n)s time available", "%(date)s, %(n)s times available", n
            )
        ),
        "dayClosed": gettext("%(date)s, no times available"),
        "timesOn": _plural(
            lambda n: ngettext(
                "%(n)s time available on %(date)s", "%(n)s times available on %(date)s", n
            )
        ),
        "back": gettext("Back"),
        "detailsTitle": gettext("Enter your details"),
        "required": gettext("Please fill this in."),
        "badEmail": gettext("Enter an email address like name@example.com."),
        "tick": gettext("Please tick this box."),
        "taken": gettext("Sorry, that time was just taken. Please pick another."),
        "failed": gettext("Something went wrong. Please try again."),
        "offline": gettext("Could not reach the booking service. Please try again."),
        "invalid": gettext("This link is no longer valid. Please use your latest booking email."),
        "bookedTitle": gettext("You are booked"),
        "booked": gettext("Booking confirmed"),
        "rescheduledTitle": gettext("Your booking has been moved"),
        "rescheduled": gettext("Booking rescheduled"),
        "confirmedTitle": gettext("Your booking"),
        "emailed": gettext("We have emailed a calendar invitation to %(email)s."),
        "what": gettext("What"),
        "when": gettext("When"),
        "with": gettext("With"),
        "withHost": gettext("With %(name)s"),
        "zoom": gettext("Zoom"),
        "join": gettext("Join Zoom meeting"),
        "passcode": gettext("Passcode: %(code)s"),
        "zoomPending": gettext("Your Zoom link is on its way."),
        "reschedule": gettext("Reschedule"),
        "cancel": gettext("Cancel"),
        "current": gettext("Current booking"),
        "newTime": gettext("New time"),
        "confirmTitle": gettext("Confirm the new time"),
        "confirmReschedule": gettext("Move my booking"),
        "cancelTitle": gettext("Cancel your booking"),
        "reason": gettext("Reason (optional)"),
        "cancelBooking": gettext("Cancel booking"),
        "cancelledTitle": gettext("Your booking is cancelled"),
        "cancelled": gettext("Booking cancelled"),
        "wasCancelled": gettext("%(what)s on %(when)s is cancelled."),
        "rebookTitle": gettext("Would another time suit you?"),
        "rebook": gettext("Rebook %(time)s"),
        "pickOther": gettext("Choose another time"),
    }
