"""The image proxy's address, /img/<signature>/<width>/<source>: a thin adapter over newsstand.images.

Cheap to answer from the cache: it reads no session or user (so sets no cookie and varies on nothing), and the
answer may be kept by browsers and shared caches for as long as the proxy keeps it (a week for an image, ten
minutes for a failure). As a document of its own it can run nothing (`default-src 'none'`), its type is never
sniffed, and other sites' pages may not embed it (the site is nobody's free image host).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from newsstand.images import services, signing

_WIDTHS = {str(width): width for width in signing.WIDTHS}  # as written in addresses: "0640" is not "640"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@require_safe
def image(request: HttpRequest, signature: str, width: str, source: str) -> HttpResponse:
    try:
        url = signing.verify(signature, _WIDTHS[width], source)
    except (KeyError, signing.BadSignature):
        return _answer(HttpResponse(b"not an address this site made\n", status=404, content_type="text/plain"))
    served = services.image(url, _WIDTHS[width])
    response = HttpResponse(served.data, status=served.status, content_type=served.content_type)
    immutable = ", immutable" if served.status == 200 else ""
    response["Cache-Control"] = f"public, max-age={served.max_age}{immutable}"
    return _answer(response)


def _answer(response: HttpResponse) -> HttpResponse:
    for name, value in HEADERS.items():
        response[name] = value
    return response
