"""Publishers' images as pages write them: signed addresses of the image proxy (newsstand.images), never the
publisher's own, so readers' browsers ask only this site (no hotlink refusals, no reader's address sent to each
publisher, no http image on an https page), and the Content-Security-Policy can say img-src 'self'.

With NEWSSTAND_IMAGE_PROXY=0 every function gives the publisher's URL back (http(s) only) and no srcset.

Images inside an article body are rewritten as the page is rendered (`proxied_body`), not when the article is
stored: the stored body stays the publisher's (search, exports and the reader-app APIs read it), articles stored
before the proxy existed are served like new ones, and a new SECRET_KEY or the setting turned off takes effect on
the next page, with nothing to migrate. It is one regular expression over markup the sanitiser wrote (or lxml
re-serialised, for a teaser), a few microseconds an image. A tag it does not recognise keeps its publisher's URL,
which the policy then refuses to load: a miss shows as a missing image, never as a request to a publisher.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import cache, lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from newsstand.core.html import srcset_candidates
from newsstand.images.signing import ORIGINAL, sign
from newsstand.web.templatetags.formatting import http_url

ROUTE = "web:image"
BODY_WIDTH = 1024  # an image in an article body: as wide as the text column needs at 1.5x, never wider than it came
_PLACEHOLDERS = ("SIG", "1", "URL")


@cache
def _prefix(script_prefix: str) -> str:
    """The address up to the signature (e.g. "/img/"), reversed once per script prefix."""
    address = reverse(ROUTE, args=_PLACEHOLDERS)
    before, found, after = address.partition("/".join(_PLACEHOLDERS))
    if not found or after:
        raise ValueError(f"{ROUTE} must end in <signature>/<width>/<source>; it reverses to {address}")
    return before


def proxy_url(url: str | None, width: int = ORIGINAL) -> str:
    """The address of the publisher's image `url` at most `width` pixels wide (0: its own width); "" for
    anything but an http(s) URL."""
    url = http_url(url or "")
    if not url or not settings.IMAGE_PROXY:
        return url
    return _address(get_script_prefix(), settings.SECRET_KEY, url, width)


@lru_cache(maxsize=4096)
def _address(script_prefix: str, secret: str, url: str, width: int) -> str:
    """Kept: the same images are on page after page (a home's thumbnails, signed again for every member's
    render); `secret` is in the key so that a new SECRET_KEY signs anew."""
    signature, source = sign(url, width)
    return f"{_prefix(script_prefix)}{signature}/{width}/{source}"


def proxy_srcset(url: str | None, widths: Iterable[int]) -> str:
    """A `srcset` of the image at each of `widths` ("… 160w, … 320w"); "" without the proxy (the publisher's
    image has one size as far as we know) or for anything but an http(s) URL."""
    url = http_url(url or "")
    if not settings.IMAGE_PROXY or not url:
        return ""
    prefix, secret = get_script_prefix(), settings.SECRET_KEY  # read once, not per width: a list has dozens
    return ", ".join(f"{_address(prefix, secret, url, width)} {width}w" for width in widths)


# Markup from the sanitiser or lxml: attributes always `name="value"`, with `"` escaped inside values.
_IMAGE_TAG = re.compile(r'<(img|source)((?:\s+[a-zA-Z-]+="[^"]*")*)(\s*/?)>')
_ATTRIBUTE = re.compile(r'(\s+)([a-zA-Z-]+)="([^"]*)"')


def proxied_body(clean_html: str) -> str:
    """Trusted article HTML with every `<img>` and `<picture>` `<source>` loaded through the proxy."""
    if not settings.IMAGE_PROXY or ("<img" not in clean_html and "<source" not in clean_html):
        return clean_html
    return _IMAGE_TAG.sub(_proxied_tag, clean_html)


def _proxied_tag(match: re.Match[str]) -> str:
    tag, attributes, end = match.groups()
    return f"<{tag}{_ATTRIBUTE.sub(_proxied_attribute, attributes)}{end}>"


def _proxied_attribute(match: re.Match[str]) -> str:
    space, name, value = match.groups()
    name = name.lower()
    if name == "src":
        proxied = proxy_url(html.unescape(value), BODY_WIDTH)
        return f'{space}src="{proxied}"' if proxied else match.group(0)
    if name == "srcset":
        # The publisher's own variants, each at its own size: their descriptors stay true.
        candidates = [(proxy_url(url, ORIGINAL), d) for url, d in srcset_candidates(html.unescape(value))]
        if all(proxied for proxied, _ in candidates):
            text = ", ".join(f"{proxied} {d}".rstrip() for proxied, d in candidates)
            return f'{space}srcset="{html.escape(text)}"'
        return match.group(0)
    if name == "type":
        return ""  # a <source>'s format (image/avif…): the proxy answers in one every browser reads
    return match.group(0)
