"""The XML readers: RSS 0.9x/1.0 (RDF)/2.0 and Atom 0.3/1.0, from an lxml tree to a `ParsedFeed`."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from newsstand.core.errors import ParseError
from newsstand.ingest.stages.parse.values import (
    bounded_int,
    element_text,
    inner_markup,
    literal,
    looks_like_html,
    looks_like_image,
    parse_date,
    plain,
)
from newsstand.ingest.types import ParsedFeed, RawEntry, RawImage

# --- namespaces -------------------------------------------------------------------------------------------------

_RSS, _ATOM, _ATOM03, _CONTENT, _DC, _MEDIA, _FEEDBURNER, _ITUNES, _RDF, _XHTML = (
    "rss", "atom", "atom03", "content", "dc", "media", "feedburner", "itunes", "rdf", "xhtml",
)  # fmt: skip
_NAMESPACES = {
    "": _RSS,
    "http://purl.org/rss/1.0/": _RSS,
    "http://my.netscape.com/rdf/simple/0.9/": _RSS,
    "http://backend.userland.com/rss2": _RSS,
    "http://blogs.law.harvard.edu/tech/rss": _RSS,
    "http://www.w3.org/2005/atom": _ATOM,
    "http://purl.org/atom/ns#": _ATOM03,
    "http://purl.org/rss/1.0/modules/content/": _CONTENT,
    "http://purl.org/dc/elements/1.1/": _DC,
    "http://purl.org/dc/terms/": _DC,
    "http://search.yahoo.com/mrss/": _MEDIA,
    "http://search.yahoo.com/rss/": _MEDIA,
    "http://rssnamespace.org/feedburner/ext/1.0": _FEEDBURNER,
    "http://www.itunes.com/dtds/podcast-1.0.dtd": _ITUNES,
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": _RDF,
    "http://www.w3.org/1999/xhtml": _XHTML,
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"

_TAG_CACHE: dict[str, tuple[str, str]] = {}


def _qname(tag: Any) -> tuple[str, str]:
    """(namespace family, local name) for an lxml tag; ("", "") for comments and PIs."""
    if not isinstance(tag, str):
        return "", ""
    found = _TAG_CACHE.get(tag)
    if found is not None:
        return found
    if tag[0] == "{":
        uri, _, local = tag[1:].partition("}")
        key = uri.strip().lower()
        family = _NAMESPACES.get(key) or _NAMESPACES.get(key + "/") or _NAMESPACES.get(key.rstrip("/"), "other")
    else:
        family, local = _RSS, tag
    found = (family, local.lower())
    if len(_TAG_CACHE) < 4096:  # documents can invent namespaces; keep the cache bounded
        _TAG_CACHE[tag] = found
    return found


class _EntryBuilder:
    """Collects one entry's fields; keeps the first value of each, except where a better source exists."""

    __slots__ = ("entry", "dc_creator", "rss_author", "origlink", "alt_links", "images", "seen")

    def __init__(self) -> None:
        self.entry = RawEntry()
        self.dc_creator = ""
        self.rss_author = ""
        self.origlink = ""
        self.alt_links: list[tuple[str, str]] = []  # (rel, href) for Atom links
        self.images: list[RawImage] = []
        self.seen: set[str] = set()

    def add_image(self, url: str | None, caption: str = "", credit: str = "", width=None, height=None) -> None:
        url = (url or "").strip()
        if not url or url in self.seen:
            return
        self.seen.add(url)
        self.images.append(RawImage(url=url, caption=caption, credit=credit, width=width, height=height))


def _media_item(builder: _EntryBuilder, el: etree._Element, base: Callable[[etree._Element, str], str]) -> None:
    """media:content / media:thumbnail / media:group, with media:description and media:credit as caption/credit."""
    family, local = _qname(el.tag)
    if local == "group":
        caption, credit = _media_text(el)
        for child in el:
            child_family, child_local = _qname(child.tag)
            if child_family == _MEDIA and child_local in ("content", "thumbnail"):
                _media_one(builder, child, base, caption, credit)
        return
    _media_one(builder, el, base, "", "")


def _media_text(el: etree._Element) -> tuple[str, str]:
    """(caption, credit) from media:description (else media:title) and media:credit children."""
    description = title = credit = ""
    for child in el:
        family, local = _qname(child.tag)
        if family != _MEDIA:
            continue
        if local == "description" and not description:
            description = plain(child.text)
        elif local == "title" and not title:
            title = plain(child.text)
        elif local == "credit" and not credit:
            credit = plain(child.text)
    return description or title, credit


def _media_one(
    builder: _EntryBuilder, el: etree._Element, base: Callable[[etree._Element, str], str], caption: str, credit: str
) -> None:
    url = el.get("url")
    if not url:
        return
    thumbnails: list[etree._Element] = []
    if len(el):
        own_caption, own_credit = _media_text(el)
        caption, credit = own_caption or caption, own_credit or credit
        # A video's media:thumbnail is still a picture of the story.
        thumbnails = [child for child in el if _qname(child.tag) == (_MEDIA, "thumbnail") and child.get("url")]
    if _qname(el.tag)[1] != "content" or looks_like_image(url, el.get("type") or "", el.get("medium") or ""):
        builder.add_image(base(el, url), caption, credit, bounded_int(el.get("width")), bounded_int(el.get("height")))
        for child in thumbnails:
            builder.add_image(base(child, child.get("url") or ""), caption, credit, bounded_int(child.get("width")),
                              bounded_int(child.get("height")))  # fmt: skip
    else:  # the poster of a video carries no caption meant for it
        for child in thumbnails:
            builder.add_image(base(child, child.get("url") or ""), "", "", bounded_int(child.get("width")),
                              bounded_int(child.get("height")))  # fmt: skip


def _atom_content(el: etree._Element) -> str:
    """An Atom 1.0/0.3 text construct as a string (HTML for html/xhtml, raw text for text)."""
    kind = (el.get("type") or "").lower()
    mode = (el.get("mode") or "").lower()  # Atom 0.3
    if mode == "base64":
        try:
            return base64.b64decode(el.text or "").decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    if kind in ("xhtml", "application/xhtml+xml") or mode == "xml" or len(el):
        return inner_markup(el)
    return el.text or ""


def _title(el: etree._Element, atomish: bool) -> str:
    """A title as a reader sees it: read as HTML only where the feed says (Atom's type) or shows (RSS) it is."""
    if atomish:
        kind = (el.get("type") or "text").lower()
        if kind in ("text", "text/plain") and not len(el) and (el.get("mode") or "").lower() != "base64":
            return literal(el.text)
        return plain(_atom_content(el))
    value = element_text(el)
    return plain(value) if len(el) or looks_like_html(value) else literal(value)


def _read_entry(item: etree._Element, atomish: bool, base: Callable[[etree._Element, str], str]) -> RawEntry:
    builder = _EntryBuilder()
    entry = builder.entry
    published_text = updated_text = ""
    permalink = ""  # the GUID (RSS, unless isPermaLink="false") or Atom id, resolved: the link when none is given
    contents: list[str] = []
    for child in item:
        family, local = _qname(child.tag)
        if not local:
            continue
        if family in (_RSS, _ATOM, _ATOM03):
            if local == "title":
                if not entry.title:
                    entry.title = _title(child, atomish)
            elif local == "link":
                href = child.get("href")
                if href is not None:  # Atom link (also atom:link inside RSS items)
                    builder.alt_links.append(((child.get("rel") or "alternate").lower(), base(child, href)))
                    if (child.get("rel") or "").lower() == "enclosure" and looks_like_image(
                        href, child.get("type") or "", ""
                    ):
                        builder.add_image(base(child, href))
                elif not entry.link and child.text and child.text.strip():
                    entry.link = base(child, child.text.strip())
            elif local in ("guid", "id"):
                if not entry.guid and child.text:
                    entry.guid = child.text.strip()
                    if (child.get("isPermaLink") or "true").lower() == "true":
                        permalink = base(child, entry.guid)
            elif local in ("description", "summary", "tagline", "subtitle"):
                if not entry.summary:
                    entry.summary = _atom_content(child) if atomish else element_text(child)
            elif local == "content":
                if atomish:
                    contents.append(_atom_content(child))
            elif local in ("pubdate", "published", "issued", "created"):
                if not published_text:
                    published_text = child.text or ""
            elif local in ("updated", "modified", "lastbuilddate"):
                if not updated_text:
                    updated_text = child.text or ""
            elif local == "author":
                if atomish or len(child):
                    for sub in child:
                        if _qname(sub.tag)[1] == "name" and not builder.rss_author:
                            builder.rss_author = plain(sub.text)
                elif not builder.rss_author:
                    builder.rss_author = _rss_author(child.text or "")
            elif local == "category":
                term = child.get("term") if atomish else None
                label = child.get("label") if atomish else None
                value = plain(label or term or child.text)
                if value:
                    entry.categories.append(value)
            elif local == "enclosure":
                url = child.get("url") or child.get("href") or ""
                if url and looks_like_image(url, child.get("type") or "", ""):
                    builder.add_image(base(child, url))
        elif family == _CONTENT:
            if local == "encoded":
                contents.append(element_text(child))
        elif family == _DC:
            if local == "creator" and not builder.dc_creator:
                builder.dc_creator = plain(child.text)
            elif local == "date" and not published_text:
                published_text = child.text or ""
            elif local == "modified" and not updated_text:
                updated_text = child.text or ""
            elif local == "subject":
                value = plain(child.text)
                if value:
                    entry.categories.append(value)
            elif local == "language" and not entry.language:
                entry.language = (child.text or "").strip()
        elif family == _MEDIA:
            if local in ("content", "group", "thumbnail"):
                _media_item(builder, child, base)
        elif family == _FEEDBURNER:
            if local == "origlink" and child.text and child.text.strip():
                builder.origlink = base(child, child.text.strip())
        elif family == _ITUNES:
            if local == "image":
                builder.add_image(base(child, child.get("href") or child.text or ""))
        elif family == _XHTML and local == "body":
            contents.append(inner_markup(child))

    if builder.origlink:
        entry.link = builder.origlink
    elif not entry.link and builder.alt_links:
        entry.link = _best_alternate(builder.alt_links)
    if not entry.guid:
        about = item.get(_RDF_ABOUT)
        if about:
            entry.guid = about.strip()
    elif not entry.link and permalink.startswith(("http://", "https://")):
        entry.link = permalink
    if contents:
        entry.content = max(contents, key=len)
    entry.author = builder.dc_creator or builder.rss_author
    entry.published = parse_date(published_text)
    entry.updated = parse_date(updated_text)
    entry.images = builder.images
    lang = item.get(_XML_LANG)
    if lang and not entry.language:
        entry.language = lang.strip()
    return entry


def _best_alternate(links: list[tuple[str, str]]) -> str:
    for rel, href in links:
        if rel == "alternate":
            return href
    return ""


_AUTHOR_EMAIL = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")


def _rss_author(value: str) -> str:
    """RSS <author> is "email (Name)"; keep the name."""
    match = _AUTHOR_EMAIL.match(value)
    return plain(match.group(1) if match else value)


def read_xml(root: etree._Element, has_base: bool) -> ParsedFeed:
    """RSS, RDF or Atom by the root element; ParseError for HTML pages and other XML."""
    family, local = _qname(root.tag)
    if local in ("html", "body", "head") or family == _XHTML:
        raise ParseError("not a feed: the document is an HTML page (is this the site's home page?)")
    if family in (_ATOM, _ATOM03) and local == "feed":
        return _read_atom(root, has_base)
    if local == "rdf" or (family == _RSS and local in ("rss", "channel")):
        return _read_rss(root, has_base, "rdf" if local == "rdf" else "rss")
    raise ParseError(f"not a feed: the XML root element is <{local}>, not <rss>, <feed> or <rdf:RDF>")


def _base_resolver(has_base: bool) -> Callable[[etree._Element, str], str]:
    """Resolve links here when the document declares its base (xml:base, Content-Location); else leave them."""
    if not has_base:
        return _no_base
    return _xml_base


def _no_base(_el: etree._Element, url: str) -> str:
    return url


def _xml_base(el: etree._Element, url: str) -> str:
    base = el.base
    if not base:
        return url
    try:
        return urljoin(base, url.strip())
    except ValueError:
        return url


def _read_rss(root: etree._Element, has_base: bool, kind: str) -> ParsedFeed:
    feed = ParsedFeed(format=kind)
    base = _base_resolver(has_base)
    channel = root
    items: list[etree._Element] = []
    for child in root:
        if _qname(child.tag)[1] == "channel":
            channel = child
        elif _qname(child.tag)[1] == "item":
            items.append(child)  # RSS 1.0 / 0.90 keep items beside the channel
        elif _qname(child.tag)[1] == "image" and not feed.image:
            feed.image = _image_url(child, base)  # RSS 1.0 keeps its image beside the channel too
    podcast_image = ""
    for child in channel:
        family, local = _qname(child.tag)
        if local == "item":
            items.append(child)
        elif family == _RSS:
            if local == "title" and not feed.title:
                feed.title = _title(child, False)
            elif local == "link" and not feed.link and child.text and child.text.strip():
                feed.link = base(child, child.text.strip())
            elif local == "language" and not feed.language:
                feed.language = (child.text or "").strip()
            elif local == "ttl":
                feed.ttl_minutes = bounded_int(child.text)
            elif local == "description" and not feed.description:
                feed.description = plain(element_text(child))
            elif local == "image" and not feed.image:
                feed.image = _image_url(child, base)
        elif family == _ITUNES and local == "image" and child.get("href"):
            podcast_image = podcast_image or base(child, child.get("href") or "")
        elif family == _DC and local == "language" and not feed.language:
            feed.language = (child.text or "").strip()
        elif family == _ATOM and local == "link" and not feed.link and (child.get("rel") or "") == "alternate":
            feed.link = base(child, child.get("href") or "")
    if not feed.language:
        feed.language = (channel.get(_XML_LANG) or root.get(_XML_LANG) or "").strip()
    feed.image = feed.image or podcast_image
    feed.entries = [_read_entry(item, False, base) for item in items]
    return feed


def _image_url(image: etree._Element, base: Callable[[etree._Element, str], str]) -> str:
    """An RSS <image>'s <url>."""
    for child in image:
        if _qname(child.tag)[1] == "url" and child.text and child.text.strip():
            return base(child, child.text.strip())
    return ""


def _read_atom(root: etree._Element, has_base: bool) -> ParsedFeed:
    feed = ParsedFeed(format="atom")
    base = _base_resolver(has_base)
    links: list[tuple[str, str]] = []
    entries = []
    for child in root:
        family, local = _qname(child.tag)
        if family not in (_ATOM, _ATOM03):
            if family == _DC and local == "language":
                feed.language = feed.language or (child.text or "").strip()
            continue
        if local == "entry":
            entries.append(_read_entry(child, True, base))
        elif local == "title" and not feed.title:
            feed.title = _title(child, True)
        elif local in ("subtitle", "tagline") and not feed.description:
            feed.description = plain(_atom_content(child))
        elif local in ("logo", "icon") and child.text and child.text.strip():
            image = base(child, child.text.strip())
            feed.image = image if local == "logo" else feed.image or image  # the logo, else the icon
        elif local == "link" and child.get("href"):
            links.append(((child.get("rel") or "alternate").lower(), base(child, child.get("href") or "")))
    feed.link = _best_alternate(links)
    feed.language = feed.language or (root.get(_XML_LANG) or "").strip()
    feed.entries = entries
    return feed
