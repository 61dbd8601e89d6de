"""The Content-Security-Policy every response carries: what a page may run, load and send, so that markup slipped
into a page (a sanitiser's miss, a template's mistake) can neither run script nor send a form elsewhere.

- Scripts and styles come only from the site's own files. The few scripts a page must run inline are static files
  listed in `INLINE_SCRIPTS`, put in the page by `{% inline_script %}` and allowed by their hash: the prepaint that
  applies a stored dark-mode or text-size choice before the stylesheet paints (a file loaded from the head would
  hold up the first paint by a request). Hashes, not nonces: the page cache gives every anonymous reader the same
  bytes, so a per-request nonce could not match. No style is inline: a page's styles are in the stylesheets.
- Images come from the site (publishers' images through its image proxy, newsstand.web.image_urls) or as data:;
  from anywhere over http(s) only when the proxy is turned off (NEWSSTAND_IMAGE_PROXY=0) and pages link the
  publishers' images directly.
- Forms go to the site, and to the billing provider's pages that the site redirects a form to (Stripe Checkout,
  the Customer Portal): browsers hold a form's redirects to form-action as well.
- Nothing may frame the site, and no plugin or `<base>` elsewhere may load.

The middleware sits above the page cache, so a cached page gets the running process's policy, never a stored one.
Under DEBUG, Django's own error pages (inline styles and script) go without it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from newsstand.membership.providers import BillingUnavailable, get_provider

HEADER = "Content-Security-Policy"
INLINE_SCRIPTS = ("web/prepaint.js",)  # static files a page may run inline, allowed by hash


def directives(*, script_hashes: Iterable[str], form_targets: Iterable[str], image_proxy: bool) -> dict[str, list[str]]:
    """The policy as data: `script_hashes` are the inline scripts' sources ('sha256-…'), `form_targets` the origins
    forms may be redirected to besides the site, `image_proxy` whether publishers' images come through the site."""
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] if image_proxy else ["'self'", "data:", "https:", "http:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *form_targets],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }


@cache
def inline_script(name: str) -> str:
    """The source of a script in `INLINE_SCRIPTS`, exactly as the page carries it and the policy hashes it."""
    if name not in INLINE_SCRIPTS:
        raise ValueError(f"{name} is not in newsstand.web.csp.INLINE_SCRIPTS: load it with <script src> instead")
    found = finders.find(name)
    if not found:
        raise ImproperlyConfigured(f"the inline script {name} is not among the static files")
    return Path(found).read_text(encoding="utf-8").strip()


def source_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@cache
def header() -> str:
    """The policy as sent, made once per process (settings change only in tests, and `_forget` follows them)."""
    try:
        form_targets = get_provider().page_origins
    except BillingUnavailable:  # Stripe chosen but not configured: nothing to send forms to
        form_targets = ()
    policy = directives(
        script_hashes=[source_hash(inline_script(name)) for name in INLINE_SCRIPTS],
        form_targets=form_targets,
        image_proxy=settings.IMAGE_PROXY,
    )
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    header.cache_clear()


class ContentSecurityPolicyMiddleware:
    """Place it above the page cache (newsstand.web.caching), so that pages answered from it get the policy too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response and not (settings.DEBUG and response.status_code >= 400):
            response[HEADER] = header()
        return response
