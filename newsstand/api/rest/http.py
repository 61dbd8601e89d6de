"""What every REST API address does around its operation: the rate limit, ETags, the error envelope, caching.

`served` wraps each URL pattern's view (the operations django-ninja routes, the schema, the docs, and the catch-all
404), so nothing under /api/v1/ answers without it:

- the limit first (api.limits, scope "rest"), before any credential is looked up: past it, 429 with Retry-After;
- then the view; an error it made outside django-ninja's handlers (405 from the router) is put in the envelope;
- a successful GET gets an ETag, a hash of the bytes it sends: a client that sends it back in If-None-Match gets
  304 and no body. The answer depends on who asks (the paywall cuts text to a teaser for readers without access),
  so it is `private` and varies on the credential and the cookie; `no-cache` makes clients ask again each time,
  which a 304 makes cheap.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import URLPattern
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from newsstand.api import limits
from newsstand.api.rest import errors

CACHE_CONTROL = "private, no-cache"


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return errors.error_response(429, "rate_limited", f"Too many requests: try again in {retry_after} s.")


def etag_of(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x"; `*` matches any."""
    wanted = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in wanted or etag in wanted


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag and caching headers on a complete 200 to GET or HEAD; 304 when the client holds these bytes already."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    etag = etag_of(response.content)
    response["ETag"] = etag
    response.setdefault("Cache-Control", CACHE_CONTROL)
    patch_vary_headers(response, ("Authorization", "Cookie"))
    if _matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Cache-Control", "Vary"):
            not_modified[header] = response[header]
        return not_modified
    return response


def served(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view` with everything of the module docstring around it."""

    @limits.rate_limited("rest", refuse=too_many)
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # raised outside an operation (django-ninja's own root view)
            response = no_such_address(request)
        return conditional(request, errors.envelope_response(response))

    # django-ninja checks CSRF itself, for the one credential that needs it (security.SessionCookie).
    return csrf_exempt(wrapped)


def served_patterns(patterns: list) -> list:
    """URL patterns with each view `served` (django-ninja's own, taken as its `api.urls` gives them)."""
    return [
        URLPattern(p.pattern, served(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
        for p in patterns
    ]


def no_such_address(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any address under /api/v1/ that no operation has."""
    return errors.error_response(404, "not_found", "There is no such address in this API: see /api/v1/docs.")
