"""The one place where errors become HTTP answers, always in the contract's envelope.

``{"status": "error", "error": {"code": ..., "message": ..., "fields": {...}}}`` — every
non-2xx answer of the API uses it, whether it comes from a domain exception, from
schema validation, from ninja itself (unparsable body, missing key) or from the URL
layer (unknown path, wrong method).
"""

import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ..exceptions import BookingError

logger = logging.getLogger("django.request")

# A message as it is raised: plain text or lazily translated.
Message = str | Promise
# Field path -> its messages.
Fields = Mapping[str, Sequence[Message]]
View = Callable[..., HttpResponse]
E = TypeVar("E", bound=Exception)

# Domain field names -> the request's field paths (a domain error's code and status are
# its own: ``exceptions.BookingError``).
BOOKING_FIELD_PATHS = {
    "meeting_type": "meetingType",
    "attendee_name": "attendee.name",
    "attendee_email": "attendee.email",
    "attendee_timezone": "attendee.timezone",
    "attendee_language": "attendee.language",
}
HTTP_ERROR_CODES: dict[int, str] = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "rate_limited",
}

# Translatable messages for the validation errors clients hit most; others keep
# pydantic's English text.
VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter a string."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "model_type": gettext_lazy("Send a JSON object."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "string_too_long": gettext_lazy("This value is too long."),
    "string_too_short": gettext_lazy("This field may not be blank."),
    "string_pattern_mismatch": gettext_lazy("This value has an invalid format."),
    "greater_than_equal": gettext_lazy("This number is too small."),
    "less_than_equal": gettext_lazy("This number is too large."),
}


class ApiError(Exception):
    """An answer decided by the API layer itself (auth, limits, lookups)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid_request"
    default_message: ClassVar[Message] = gettext_lazy("The request is not valid.")

    def __init__(
        self,
        message: Message | None = None,
        *,
        fields: Fields | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = str(message or self.default_message)
        self.fields: Fields = fields or {}
        self.headers: Mapping[str, str] = headers or {}
        super().__init__(self.message)


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    default_message = gettext_lazy("Send an API key as “Authorization: Bearer <key>”.")

    def __init__(self, message: Message | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="pmc_booking"'})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    default_message = gettext_lazy("This API key does not have the scope this request needs.")


class NotFound(ApiError):
    status = 404
    code = "not_found"
    default_message = gettext_lazy("Not found.")


class PayloadTooLarge(ApiError):
    status = 413
    default_message = gettext_lazy("The request body is too large.")


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"
    default_message = gettext_lazy("Too many requests. Try again later.")

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class BodyNotAnObject(ValueError):
    """Raised by the parser; ninja turns it into a 400 that names it as the cause."""


def envelope(code: str, message: Message, fields: Fields | None = None) -> dict[str, Any]:
    """The error answer's JSON."""
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = {name: [str(m) for m in messages] for name, messages in fields.items()}
    return {"status": "error", "error": error}


def error_response(
    status: int,
    code: str,
    message: Message,
    *,
    fields: Fields | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    response = JsonResponse(envelope(code, message, fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_path(loc: Iterable[str | int]) -> str:
    """``("body", "payload", "attendee", "email")`` -> ``"attendee.email"`` (camelCase aliases).

    The first item is where the value came from; for a body it is followed by the name
    of the view's argument, which means nothing to the client.
    """
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 1 else []
        return ".".join(str(p) for p in parts) or "body"
    if parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "request"


# A pattern or length says "invalid format"; for these fields the attendee is told what
# is wanted.
SHAPE_ERRORS = {"string_pattern_mismatch", "string_too_short", "string_too_long"}
PATTERN_MESSAGES = {
    "attendee.email": gettext_lazy("Enter a valid email address."),
}


def validation_message(error: Mapping[str, Any], path: str = "") -> str:
    """One pydantic error (its JSON-like dict) as the client is told it."""
    kind = error.get("type", "")
    if kind == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if kind in SHAPE_ERRORS and path in PATTERN_MESSAGES:
        return str(PATTERN_MESSAGES[path])
    return str(VALIDATION_MESSAGES.get(kind, error.get("msg", "")))


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        path = field_path(error.get("loc", ()))
        fields.setdefault(path, []).append(validation_message(error, path))
    return fields


# == Handlers ==


def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, fields=exc.fields, headers=exc.headers)


def on_booking_error(request: HttpRequest, exc: BookingError) -> HttpResponse:
    """A domain error answers its own ``status`` and ``code`` (``exceptions``)."""
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    fields = {BOOKING_FIELD_PATHS.get(name, name): msgs for name, msgs in exc.fields.items()}
    return error_response(exc.status, exc.code, exc.message, fields=fields, headers=headers)


def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        422,
        "invalid_request",
        _("Some fields are missing or not valid."),
        fields=validation_fields(exc.errors),
    )


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return on_api_error(request, Unauthorized())


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Errors ninja raises itself; a 400 caused by another exception is an unreadable body."""
    code = HTTP_ERROR_CODES.get(exc.status_code, "invalid_request")
    if isinstance(exc.__cause__, BodyNotAnObject):
        message = _("The request body must be a JSON object.")
    elif exc.status_code == 400 and exc.__cause__ is not None:
        message = _("The request body is not valid JSON.")
    else:
        message = str(exc.message)
    return error_response(exc.status_code, code, message)


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return on_api_error(request, NotFound())


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not bad input: logged like Django logs a 500, answered in the envelope."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return error_response(500, "server_error", _("Something went wrong on our side."))


def install(api: NinjaAPI) -> None:
    """Register every handler on ``api``; ninja picks the most specific class."""
    add_handler(api, Exception, on_unexpected)
    add_handler(api, ApiError, on_api_error)
    add_handler(api, BookingError, on_booking_error)
    add_handler(api, NinjaValidationError, on_validation_error)
    add_handler(api, AuthenticationError, on_authentication_error)
    add_handler(api, HttpError, on_http_error)
    add_handler(api, Http404, on_not_found)


def add_handler(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    """ninja's handler type takes ``E | type[E]``; it only ever passes the exception."""

    def handle(request: HttpRequest, exc: E | type[E]) -> HttpResponse:
        if not isinstance(exc, exc_class):
            raise TypeError(f"ninja passed {exc!r}, not an exception instance")
        return handler(request, exc)

    api.add_exception_handler(exc_class, handle)


# == The URL layer, outside ninja's operations ==


def not_found_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return on_api_error(request, NotFound(_("There is no such API endpoint.")))


def with_envelope(view: View) -> View:
    """Wrap a ninja path view so a wrong method answers 405 in the envelope."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return error_response(
                405,
                "invalid_request",
                _("This endpoint does not accept the %(method)s method.")
                % {"method": request.method},
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapper
