"""One error envelope for every error the REST API gives, whoever raised it.

    {"error": {"code": "not_found", "message": "No such article.", "fields": []}}

`code` is short and stable (clients branch on it), `message` is for people, `fields` names the request's parts a
422 refused (`loc` as pydantic gives it: where, then which field). The handlers here cover what the views raise
(`ApiError`, Http404, `SubscriptionError`), what django-ninja raises (validation, authentication) and anything
unexpected (a 500, logged with its traceback); `envelope_response` also re-shapes the answers that never pass
through a handler (405 from the router, 404 for an address no route matches, 429 from api.limits).
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from newsstand.subscriptions.errors import SubscriptionError

log = logging.getLogger(__name__)

# The code each status gets when nothing more specific is known.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
}
# SubscriptionError.code -> HTTP status (subscriptions.errors lists the codes). A request that fits the schema but
# asks what cannot be done is a 400; 422 is kept for requests the schema itself refuses (`fields` says where).
_SUBSCRIPTION_STATUS = {
    "invalid_url": 400,
    "invalid_title": 400,
    "refused_address": 400,
    "not_a_feed": 400,
    "not_allowed": 403,
    "cap_reached": 409,
    "duplicate": 409,
    "not_found": 404,
}


class FieldError(Schema):
    loc: list[str | int]
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


class Error(Schema):
    """The envelope every error response of the REST API carries."""

    error: ErrorBody


class ApiError(Exception):
    """Raised by a view to answer with the envelope: `status`, a stable `code`, a message for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, fields: list[dict] | None = None) -> JsonResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or []}}
    return JsonResponse(body, status=status)


def install(api: NinjaAPI) -> None:
    """Every handler on `api`: each answers with the envelope."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.message)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [
            {
                "loc": [str(part) if not isinstance(part, int) else part for part in e.get("loc", ())],
                "message": e.get("msg", ""),
            }
            for e in exc.errors
        ]
        return error_response(422, "invalid_request", "The request is not valid: see fields.", fields)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            401, "unauthorized", "Send a personal access token (Authorization: Bearer …) or sign in."
        )
        response["WWW-Authenticate"] = 'Bearer realm="newsstand"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not_found", str(exc) or "Not found.")

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, "forbidden", str(exc) or "Not allowed.")

    def on_subscription(request: HttpRequest, exc: SubscriptionError) -> HttpResponse:
        return error_response(_SUBSCRIPTION_STATUS.get(exc.code, 400), exc.code, str(exc))

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("REST API error on %s %s", request.method, request.path)
        return error_response(500, "server_error", "Something went wrong on our side; it has been logged.")

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(SubscriptionError, on_subscription)
    api.add_exception_handler(Exception, on_unexpected)


def is_enveloped(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json") or response.streaming:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


def envelope_response(response: HttpResponse) -> HttpResponse:
    """An error response made outside the handlers (405, an unrouted 404, a 429 from the limits) in the envelope,
    its headers (Allow, Retry-After) kept; anything else as it is."""
    if response.status_code < 400 or is_enveloped(response):
        return response
    status = response.status_code
    messages = {
        404: "There is no such address in this API: see /api/v1/docs.",
        405: f"This address takes only {response.get('Allow', 'other methods')}.",
        429: f"Too many requests: try again in {response.get('Retry-After', 'a few')} s.",
    }
    enveloped = error_response(status, STATUS_CODES.get(status, "error"), messages.get(status, "The request failed."))
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            enveloped[header] = response[header]
    return enveloped
