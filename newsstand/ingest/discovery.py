"""Finding a site's feeds: pure functions over an HTML page, and `find_feed`, which drives a fetcher through them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import lxml.html
from lxml import etree

from newsstand.core.errors import ParseError
from newsstand.core.urls import absolute, is_http_url
from newsstand.ingest.stages.parse import parse_feed
from newsstand.ingest.types import FetchResult, ParsedFeed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)
# Where sites put feeds when their pages do not advertise one, most likely first.
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed/",
    "/rss/",
    "/feeds/posts/default",
    "/index.rss",
    "/feed.json",
    "/atom",
    "/?feed=rss2",
)
_GENERIC_XML = {"text/xml", "application/xml", "application/json"}


def discover_feed_urls(html: str, *, base_url: str) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type=…>``, absolute, de-duplicated, best first.

    Order: RSS/Atom/JSON Feed types before generic XML/JSON, comment feeds last, otherwise document order.
    """
    if not html or not html.strip():
        return []
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for element in document.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            base = absolute(base_url, href)
            break
    candidates: list[tuple[int, int, int, str]] = []
    seen: set[str] = set()
    for index, link in enumerate(document.iter("link")):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or kind not in FEED_TYPES or not href:
            continue
        url = absolute(base, href)
        if not is_http_url(url) or url in seen:
            continue
        seen.add(url)
        label = f"{link.get('title') or ''} {href}".lower()
        is_comments = "comment" in label
        candidates.append((int(is_comments), int(kind in _GENERIC_XML), index, url))
    return [url for *_, url in sorted(candidates)]


def common_feed_urls(url: str) -> list[str]:
    """The usual feed locations at the site root of `url`, for sites that advertise nothing."""
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return [root + path for path in COMMON_FEED_PATHS]


class FeedNotFound(Exception):
    """Neither the URL nor anything it advertises or the usual paths hold a readable feed."""


class _Fetches(Protocol):
    async def fetch(self, url: str) -> FetchResult: ...


@dataclass(frozen=True, slots=True)
class FoundFeed:
    url: str  # what to store: the permanent redirect target when every hop was permanent
    feed: ParsedFeed


def _header(result: FetchResult, name: str) -> str:
    for key, value in result.headers.items():
        if key.lower() == name:
            return value
    return ""


def _as_feed(result: FetchResult) -> ParsedFeed | None:
    if not result.ok or not result.body:
        return None
    try:
        return parse_feed(result.body, url=result.url, content_type=_header(result, "content-type"))
    except ParseError:
        return None


def _decode(body: bytes, content_type: str) -> str:
    charset = ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


async def find_feed(url: str, *, fetcher: _Fetches) -> FoundFeed:
    """The feed at `url`; else the first feed its page advertises; else the first of the usual paths that answers
    with a feed. Raises FeedNotFound saying what was tried."""
    first = await fetcher.fetch(url)
    if not first.ok:
        raise FeedNotFound(f"could not fetch {url}: {first.error_code or first.status} {first.error}".strip())
    parsed = _as_feed(first)
    if parsed is not None:
        return FoundFeed(first.permanent_url or url, parsed)
    html = _decode(first.body or b"", _header(first, "content-type"))
    advertised = discover_feed_urls(html, base_url=first.url)
    for candidate in advertised:
        result = await fetcher.fetch(candidate)
        parsed = _as_feed(result)
        if parsed is not None:
            return FoundFeed(result.permanent_url or candidate, parsed)
    guesses = [guess for guess in common_feed_urls(first.url) if guess not in advertised]
    results = await asyncio.gather(*(fetcher.fetch(guess) for guess in guesses))
    for guess, result in zip(guesses, results, strict=True):
        parsed = _as_feed(result)
        if parsed is not None:
            return FoundFeed(result.permanent_url or guess, parsed)
    tried = len(advertised) + len(guesses)
    raise FeedNotFound(
        f"{url} is not a feed, and none of the {len(advertised)} feeds it advertises nor the {len(guesses)} usual "
        f"feed paths answered with one ({tried} URLs tried). Pass the feed's own URL."
    )
