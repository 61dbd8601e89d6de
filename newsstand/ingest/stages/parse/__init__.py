"""Parse stage: feed bytes -> `ParsedFeed` (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1).

The package reads by concern, in the order a document meets them:
- `decoding`: bytes to well-formed UTF-8, and the entity safety every document passes (DOCTYPE entity
  declarations refused, HTML named entities made character references);
- `rss_atom`: the XML readers, from an lxml tree (xml:base honoured);
- `json_feed`: JSON Feed;
- `fallback`: browser-like repair and feedparser's lenient reading, for documents libxml2 cannot read whole;
- `values`: text, markup, numbers and dates as feeds write them.

Why our own lxml reader as the fast path, not fastfeedparser: fastfeedparser is faster but loses what this
pipeline needs. It folds the description into `content` (so "does the feed carry a full body?" cannot be
answered), drops the channel `<language>`, ignores xml:base, and returns dates as strings. feedparser is the
lenient fallback, used only for documents libxml2 cannot read whole. `python -m bench.parse` measures the three
side by side on real snapshots (figures in bench/RESULTS.md).
"""

from __future__ import annotations

from lxml import etree

from newsstand.core import urls
from newsstand.core.errors import ParseError
from newsstand.ingest.stages.parse.decoding import (
    STRICT_PARSER,
    refuse_entity_declarations,
    to_utf8,
    with_character_references,
)
from newsstand.ingest.stages.parse.fallback import parse_malformed
from newsstand.ingest.stages.parse.json_feed import read_json
from newsstand.ingest.stages.parse.rss_atom import read_xml
from newsstand.ingest.stages.parse.values import parse_date
from newsstand.ingest.types import ParsedFeed

__all__ = ["parse_feed", "parse_date"]


def parse_feed(body: bytes, *, url: str, content_type: str = "", content_location: str = "") -> ParsedFeed:
    """Read a feed document. Raises ParseError for empty bodies, HTML pages, garbage and hostile documents.

    `url` is where the document was fetched; an HTTP Content-Location header (`content_location`) names the
    document's own URL, and then, as in feedparser, it is the base of relative links. Links under an xml:base or a
    Content-Location come out absolute; others stay as written (normalize resolves them, see its docstring).
    """
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError("not a feed: the response body is empty")
    if stripped[:1] in (b"{", b"["):
        return read_json(stripped)
    head = stripped[:512].lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise ParseError("not a feed: the document is an HTML page (is this the site's home page?)")
    if not stripped.startswith(b"<") and b"<\x00" not in stripped[:8] and b"\x00<" not in stripped[:8]:
        raise ParseError("not a feed: the body is neither XML nor JSON")

    data = to_utf8(body, content_type)
    refuse_entity_declarations(data)
    data = with_character_references(data)
    base = urls.absolute(url, content_location) if content_location else url
    has_base = bool(content_location) or b"xml:base" in data
    try:
        root = etree.fromstring(data, parser=STRICT_PARSER, base_url=base or None)
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        return read_xml(root, has_base)
    return parse_malformed(data, url=base, content_type=content_type, has_base=has_base)
