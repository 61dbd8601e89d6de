"""Normalize stage: `ParsedFeed` -> `DraftEntry` list with absolute, tracking-free URLs, an identity, a lead image,
a clamped date and the decision whether the extract stage must fetch the article page.

HTML stays unsanitised here (sanitize comes later, after the filter; enrich then derives text, word_count and
content_hash).
Pure: no I/O, `now` passed in.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import datetime, timedelta
from html.entities import html5 as _HTML5_ENTITIES
from urllib.parse import urlsplit

from newsstand.articles.identity import comparable_url, identity_key
from newsstand.core import urls
from newsstand.ingest.types import DraftEntry, ParsedFeed, RawEntry, RawImage

__all__ = ["normalize_entries", "resolve_url", "choose_lead_image", "has_real_body", "needs_page", "clamp_published"]

# An entry with less body than this is a teaser: in "auto" mode the page gets fetched.
MIN_BODY_WORDS = 60
# Content counts as a body only when clearly longer than the summary (feeds often repeat the summary).
_BODY_MIN_EXTRA_CHARS = 100
_BODY_MIN_RATIO = 1.3
# Dates further ahead than this are clock errors or scheduled posts shown early: treated as "now".
FUTURE_TOLERANCE = timedelta(days=1)
# Images narrower than this (when the feed says) are thumbnails: used only when nothing larger exists.
_THUMBNAIL_WIDTH = 200

_TAG = re.compile(r"<[^>]*>")


def _visible_text(markup: str) -> str:
    """A rough text of feed HTML, enough to compare lengths and count words (not for display)."""
    if "<" in markup:
        markup = _TAG.sub(" ", markup)
    return " ".join(markup.split())


def has_real_body(*, summary: str, content: str) -> bool:
    """Does the feed carry a full body, not just its summary again?"""
    if not content:
        return False
    content_len = len(_visible_text(content))
    summary_len = len(_visible_text(summary))
    return content_len >= summary_len * _BODY_MIN_RATIO and content_len >= summary_len + _BODY_MIN_EXTRA_CHARS


def needs_page(*, full_text_mode: str, body_html: str) -> bool:
    """Should the extract stage fetch the article page? ("never" | "auto" | "always", sources.FullTextMode)."""
    if full_text_mode == "never":
        return False
    if full_text_mode == "always":
        return True
    return len(_visible_text(body_html).split()) < MIN_BODY_WORDS


def clamp_published(published: datetime | None, *, now: datetime) -> datetime | None:
    """A date more than a day ahead becomes `now`; missing stays None (store uses the first-seen time)."""
    if published is not None and published > now + FUTURE_TOLERANCE:
        return now
    return published


def choose_lead_image(images: list[RawImage]) -> RawImage | None:
    """The largest image the feed sizes, else the first; known thumbnails only when there is nothing else."""
    usable = [image for image in images if urls.is_http_url(image.url)]
    if not usable:
        return None
    large = [image for image in usable if image.width is None or image.width >= _THUMBNAIL_WIDTH] or usable
    sized = [image for image in large if image.width and image.height]
    if sized:
        return max(sized, key=lambda image: (image.width or 0) * (image.height or 0))
    return large[0]


# A character reference still in a URL after XML decoding: the document escaped it twice (`&amp;amp;` for `&`).
# Named references count only with their `;`, as browsers read them in an href attribute.
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")


def _decoded_reference(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:
        return html.unescape(match.group(0))
    return _HTML5_ENTITIES.get(name + ";", match.group(0))


def resolve_url(base: str, url: str) -> str:
    """A URL as the feed wrote it, made absolute the way browsers and feedparser read it: character references
    left by a double escape decoded once (`?a=1&amp;b=2` is `?a=1&b=2`, not a parameter `amp;b`), then resolved
    against `base`."""
    if "&" in url:
        url = _CHARACTER_REFERENCE.sub(_decoded_reference, url)
    return urls.absolute(base, url)


def _absolute_images(images: list[RawImage], base: str) -> list[RawImage]:
    resolved = []
    for image in images:
        url = resolve_url(base, image.url)
        resolved.append(RawImage(url=url, caption=image.caption, credit=image.credit, width=image.width,
                                 height=image.height))  # fmt: skip
    return resolved


def _entry_link(raw: RawEntry, base: str) -> str:
    if not raw.link:
        return ""
    link = resolve_url(base, raw.link)
    if not urls.is_http_url(link):
        return ""
    return urls.strip_tracking(link)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _shared_links(links: list[str], entries: list[RawEntry]) -> set[str]:
    """Comparable URLs that this document gives to several different entries (e.g. every item links to the home
    page): such a link cannot identify an article. Repeats of one entry (same GUID or title) do not count."""
    owners: dict[str, set[str]] = defaultdict(set)
    for link, raw in zip(links, entries, strict=True):
        if link:
            owners[comparable_url(link)].add(raw.guid.strip() or raw.title.strip())
    return {key for key, owner in owners.items() if len(owner) > 1}


def _fullness(entry: DraftEntry) -> int:
    return len(entry.body_html) + len(entry.summary_html) + len(entry.title)


def normalize_entries(
    parsed: ParsedFeed, *, feed_url: str, base_url: str, full_text_mode: str, now: datetime
) -> list[DraftEntry]:
    """Entries ready for filter/extract/sanitize, in document order, one per identity.

    Relative URLs are resolved against `base_url` (the document's URL), as RFC 3986, browsers and feedparser do;
    the parse stage has already resolved those under an xml:base or a Content-Location. One exception: a feed served
    from another host than its site (a CDN, FeedBurner) writes its links relative to the site, so there the site
    link is the base.
    """
    site = resolve_url(base_url, parsed.link) if parsed.link else ""
    base = site if urls.is_http_url(site) and _host(site) != _host(base_url) else base_url
    kept = [raw for raw in parsed.entries if raw.link.strip() or raw.guid.strip() or raw.title.strip()]
    links = [_entry_link(raw, base) for raw in kept]
    shared = _shared_links(links, kept)

    by_identity: dict[str, DraftEntry] = {}
    for raw, link in zip(kept, links, strict=True):
        guid = raw.guid.strip()
        title = raw.title.strip()
        identity = identity_key(
            feed_url=feed_url,
            link=link,
            guid=guid,
            title=title,
            summary=raw.summary.strip(),
            link_is_shared=bool(link) and comparable_url(link) in shared,
        )
        summary_html = raw.summary.strip()
        content = raw.content.strip()
        if has_real_body(summary=summary_html, content=content):
            body_html = content
        else:
            body_html = ""
            summary_html = summary_html or content
        image = choose_lead_image(_absolute_images(raw.images, base))
        entry = DraftEntry(
            identity=identity,
            url=link,
            guid=guid,
            title=title,
            summary_html=summary_html,
            body_html=body_html,
            author=raw.author.strip(),
            categories=list(dict.fromkeys(c.strip() for c in raw.categories if c.strip())),
            published_at=clamp_published(raw.published or raw.updated, now=now),
            lead_image_url=image.url if image else "",
            lead_image_caption=image.caption if image else "",
            lead_image_credit=image.credit if image else "",
            language=raw.language or parsed.language,
            full_text=bool(body_html),
            needs_page=needs_page(full_text_mode=full_text_mode, body_html=body_html),
        )
        previous = by_identity.get(identity)
        # A repeated entry: the later, fuller copy wins (feeds append corrections), keeping the first position.
        if previous is None or _fullness(entry) >= _fullness(previous):
            by_identity[identity] = entry
    return list(by_identity.values())
