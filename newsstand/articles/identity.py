"""The one identity rule for articles. Dedup, clustering and reader-app item ids all build on it.

An entry is the same article as another when:
1. both have an http(s) link whose normalised form (articles.identity.comparable_url) is equal — so one article
   carried by two feeds, or syndicated under the same canonical URL, is stored once, and a feed that changes an
   entry's GUID but not its link (unstable GUIDs) creates no duplicate; else
2. (no usable link, or a link the same feed document gives to several different entries) both come from the same
   feed with the same GUID — GUIDs are only unique within a feed, and "same GUID, different links" stays
   distinct by rule 1; else
3. both come from the same feed with the same title and summary (a content hash).
"""

from __future__ import annotations

import hashlib

from newsstand.core import urls


def comparable_url(url: str) -> str:
    """The URL as identity sees it: normalised, tracking-free, without scheme (http and https are one page)."""
    normalized = urls.normalize(url)
    return normalized.split("://", 1)[-1]


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def identity_key(*, feed_url: str, link: str, guid: str, title: str, summary: str, link_is_shared: bool = False) -> str:
    if link and urls.is_http_url(link) and not link_is_shared:
        return _key("url", comparable_url(link))
    if guid:
        return _key("guid", feed_url, guid.strip())
    if link and urls.is_http_url(link):
        return _key("url+title", comparable_url(link), title.strip())
    return _key("hash", feed_url, title.strip(), summary.strip())


def content_hash(*, title: str, summary: str, body: str, author: str, image: str) -> str:
    """What must change for an entry to count as updated (feeds rewrite timestamps freely)."""
    return hashlib.md5("\x1f".join((title, summary, body, author, image)).encode("utf-8", "surrogatepass")).hexdigest()


def source_hash(*parts: str) -> str:
    """The entry as the feed gave it (before extraction): unchanged hash, nothing to do."""
    return hashlib.md5("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
