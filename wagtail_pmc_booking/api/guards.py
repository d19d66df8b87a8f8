"""What a request body must be before a view sees it: small enough, and a JSON object."""

import functools
import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja.parser import Parser

from ..conf import booking_settings
from .errors import BodyNotAnObject, PayloadTooLarge, View, on_api_error


def is_too_large(request: HttpRequest) -> bool:
    """By the declared length first, so an oversize body is never read into memory."""
    limit: int = booking_settings.API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return True
    try:
        return len(request.body) > limit
    except RequestDataTooBig:
        return True


def limit_body_size(run: View) -> View:
    """A ninja "view" decorator: answers 413 in the envelope for bodies over the limit."""

    @functools.wraps(run)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if is_too_large(request):
            return on_api_error(request, PayloadTooLarge())
        return run(request, *args, **kwargs)

    return guarded


class JsonObjectParser(Parser):
    """Every body of this API is an object; an array or a bare value is refused as such."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotAnObject
        return data
