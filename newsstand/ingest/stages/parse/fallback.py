"""The lenient path for documents libxml2 cannot read whole: browser-like repair, then feedparser's reading."""

from __future__ import annotations

import re

import feedparser
from lxml import etree

from newsstand.core.errors import ParseError
from newsstand.ingest.stages.parse.decoding import RECOVERING_PARSER, STRICT_PARSER, escape_bare_ampersands
from newsstand.ingest.stages.parse.rss_atom import read_xml
from newsstand.ingest.stages.parse.values import bounded_int, looks_like_image, parse_date, plain
from newsstand.ingest.types import ParsedFeed, RawEntry, RawImage

_ITEM_MARKERS = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(?:item|entry)[\s>]")
_ROOT_CLOSED = re.compile(rb"</(?:[A-Za-z0-9_-]+:)?(?:rss|feed|rdf)>\s*$", re.I)


_URL_ELEMENTS = frozenset({"link", "guid", "id", "origlink", "url"})


def _drop_cut_element(root: etree._Element) -> None:
    """A document cut off in transfer ends inside its last element, whose text is then only a prefix. A cut
    summary still reads; a cut URL is a wrong one (`/flag-placement-memo` for `/flag-placement-memorial-day-ban`):
    drop it rather than read it. An entry that loses its link that way falls back to its permalink GUID, as in
    feedparser."""
    last = root
    while len(last):
        last = last[-1]
    parent = last.getparent()
    if parent is not None and isinstance(last.tag, str) and last.tag.rpartition("}")[2].lower() in _URL_ELEMENTS:
        parent.remove(last)


def parse_malformed(data: bytes, *, url: str, content_type: str, has_base: bool) -> ParsedFeed:
    """Browser-like recovery: escape bare ampersands, let libxml2 recover, and take feedparser's reading instead
    when it finds more entries (libxml2 drops whatever follows a bad spot it cannot resync after)."""
    repaired = escape_bare_ampersands(data)
    root: etree._Element | None
    try:
        root = etree.fromstring(repaired, parser=STRICT_PARSER, base_url=url or None)
    except etree.XMLSyntaxError:
        try:
            root = etree.fromstring(repaired, parser=RECOVERING_PARSER, base_url=url or None)
        except etree.XMLSyntaxError:
            root = None
        if root is not None and not _ROOT_CLOSED.search(repaired[-256:]):
            _drop_cut_element(root)
    ours: ParsedFeed | None = None
    problem: ParseError | None = None
    if root is not None:
        try:
            ours = read_xml(root, has_base)
        except ParseError as exc:
            problem = exc
    if problem is not None and "HTML" in str(problem):
        raise problem
    expected = len(_ITEM_MARKERS.findall(data))
    if ours is not None and len(ours.entries) >= expected:
        return ours
    theirs = _read_with_feedparser(repaired, url, content_type)
    if theirs is not None and (ours is None or len(theirs.entries) > len(ours.entries)):
        return theirs
    if ours is not None:
        return ours
    raise problem or ParseError("not a feed: the XML could not be read as RSS, Atom or RDF")


def _read_with_feedparser(body: bytes, url: str, content_type: str) -> ParsedFeed | None:
    """feedparser's loose reading, for documents libxml2 could not read whole. None when it finds no feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    result = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    version = result.get("version") or ""
    if not result.entries and not version:
        return None
    info = result.feed
    fmt = "atom" if version.startswith("atom") else "rdf" if version in ("rss090", "rss10") else "rss"
    feed = ParsedFeed(
        title=plain(info.get("title")),
        link=info.get("link") or "",
        language=info.get("language") or "",
        format=fmt,
        ttl_minutes=bounded_int(info.get("ttl")),
        description=plain(info.get("subtitle")),
        image=(info.get("image") or {}).get("href") or info.get("logo") or info.get("icon") or "",
    )
    for item in result.entries:
        contents = [c.get("value") or "" for c in item.get("content") or []]
        images: list[RawImage] = []
        seen: set[str] = set()
        for media in list(item.get("media_content") or []) + list(item.get("media_thumbnail") or []):
            media_url = media.get("url") or ""
            if (
                media_url
                and media_url not in seen
                and looks_like_image(media_url, media.get("type") or "", media.get("medium") or "")
            ):
                seen.add(media_url)
                images.append(
                    RawImage(
                        url=media_url, width=bounded_int(media.get("width")), height=bounded_int(media.get("height"))
                    )
                )
        for link in item.get("links") or []:
            href = link.get("href") or ""
            if (
                link.get("rel") == "enclosure"
                and looks_like_image(href, link.get("type") or "", "")
                and href not in seen
            ):
                seen.add(link["href"])
                images.append(RawImage(url=link["href"]))
        summary = item.get("summary") or ""
        feed.entries.append(
            RawEntry(
                guid=(item.get("id") or "").strip(),
                link=(item.get("feedburner_origlink") or item.get("link") or "").strip(),
                title=plain(item.get("title")),
                summary=summary,
                content=max(contents, key=len) if contents and max(contents, key=len) != summary else "",
                author=plain(item.get("author")),
                published=parse_date(item.get("published") or item.get("created")),
                updated=parse_date(item.get("updated")),
                categories=[plain(t.get("term")) for t in item.get("tags") or [] if plain(t.get("term"))],
                images=images,
                language=(item.get("language") or "").strip(),
            )
        )
    return feed
