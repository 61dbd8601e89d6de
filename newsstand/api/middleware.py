"""Requests for an API address with a doubled leading slash (`//v1/me`) are answered as the address itself.

newsboat joins its configured base URL and the API path with a slash of its own, so a base URL that ends in '/'
(`https://news.example/`) makes it ask for `//v1/feeds` and `//reader/api/0/...`. Trimming here, once, before any
other middleware reads the path, serves every API that way; other addresses are left as they came.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from newsstand.api.urls import PREFIXES


def trimmed_path(path: str) -> str | None:
    """The API path a doubled-slash `path` means, or None when it is no API's (or has no doubled slash)."""
    if not path.startswith("//"):
        return None
    single = "/" + path.lstrip("/")
    return single if single.startswith(PREFIXES) else None


class DoubledSlashMiddleware:
    """First in MIDDLEWARE: everything below sees the single-slash path (routing, caches, logs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        single = trimmed_path(request.path_info)
        if single is not None:
            request.path_info = single
            request.path = request.META.get("SCRIPT_NAME", "").rstrip("/") + single
        return self.get_response(request)
