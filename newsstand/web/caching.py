"""HTTP caching for pages: anonymous HTML may be cached briefly by browsers and shared caches; personal pages never
by shared ones.

A page is the same for every anonymous reader, so a short public max-age lets a CDN or reverse proxy absorb bursts
(a story going round) while news stays at most a minute stale. `Vary: Cookie` keeps a signed-in reader's page out of
what anonymous readers get. Static files are not ours to set: whitenoise gives hashed names a year and `immutable`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

ANONYMOUS_MAX_AGE = 60
PUBLIC = f"public, max-age={ANONYMOUS_MAX_AGE}"
PERSONAL = "private, no-cache"


def page_cache_control(
    *, method: str, status: int, content_type: str, authenticated: bool, sets_cookie: bool, already_set: bool
) -> str | None:
    """The Cache-Control header a page response should get, or None to leave the response alone.

    A view that set its own header knows better; only HTML pages are decided here (feeds, the manifest and the
    service worker set theirs). A page that sets a cookie, or is for a signed-in reader, is personal."""
    if already_set or method not in {"GET", "HEAD"} or not content_type.startswith("text/html"):
        return None
    if authenticated or sets_cookie:
        return PERSONAL
    return PUBLIC if status == 200 else None


class PageCacheMiddleware:
    """Place it above SessionMiddleware in MIDDLEWARE: on the way out it must see the cookies those set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response  # and request.user stays unread: no session lookup for a feed or a file
        user = getattr(request, "user", None)
        header = page_cache_control(
            method=request.method or "",
            status=response.status_code,
            content_type=content_type,
            authenticated=bool(user is not None and user.is_authenticated),
            sets_cookie=bool(response.cookies),
            already_set=response.has_header("Cache-Control"),
        )
        if header:
            response["Cache-Control"] = header
            patch_vary_headers(response, ["Cookie"])
        return response
