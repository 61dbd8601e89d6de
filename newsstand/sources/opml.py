"""OPML in and out, as pure functions over plain values (no database, no network).

Reading is tolerant of OPML 1.0/2.0 and the usual real-world mess (attribute names in any case, categories as
nested outlines or a ``category`` attribute, missing ``text``, stray namespaces, broken markup lxml can recover)
but refuses any document that declares entities: that is how XXE and entity-expansion bombs arrive, and no honest
subscription list needs them.

Writing produces OPML 2.0 grouped by section, with our own attributes in the ``newsstand:`` namespace so that
export → import reproduces publishers, sections and full-text modes exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html.entities import html5 as _HTML5_ENTITIES

from lxml import etree

NS = "https://newsstand.invalid/ns/opml/1"
PREFIX = "newsstand"
# Our attributes, by local name: what export writes and import prefers over guesses.
OUR_ATTRS = ("publisher", "homepage", "country", "language", "section", "fullText", "active")


class OPMLError(ValueError):
    """The document is not OPML we are willing to read."""


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    """One feed as an OPML outline describes it. Empty strings mean "the document did not say".

    `section` is only what the document declares (our ``newsstand:section``); `folder` is the category the reader
    filed the feed under, which the publisher rule (sources.identity) may take as the section.
    """

    url: str
    title: str = ""
    html_url: str = ""
    publisher: str = ""
    homepage: str = ""
    country: str = ""
    language: str = ""
    section: str = ""
    full_text: str = ""
    active: bool = True
    folder: str = ""


@dataclass(frozen=True, slots=True)
class InvalidOutline:
    label: str  # the URL when there is one, else the outline's text
    reason: str


@dataclass(slots=True)
class OPMLDocument:
    title: str
    feeds: list[OutlineFeed]
    invalid: list[InvalidOutline]


_BARE_AMPERSAND = re.compile(rb"&(?!(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_NAMED_REFERENCE = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _named_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    text = _HTML5_ENTITIES.get(name.decode("ascii") + ";")
    if text is None:  # not ours to guess: keep it as literal text
        return b"&amp;" + name + b";"
    return "".join(f"&#{ord(char)};" for char in text).encode("ascii")


def _repair(data: bytes) -> bytes:
    """Escape bare ampersands (``xmlUrl="…?a=1&b=2"``) and turn HTML entities into character references: left
    alone, libxml2's recovery would silently drop them and corrupt URLs and titles."""
    return _NAMED_REFERENCE.sub(_named_reference, _BARE_AMPERSAND.sub(b"&amp;", data))


def _parser() -> etree.XMLParser:
    # recover=True reads the common breakage (unescaped &, undeclared prefixes); entities are never resolved and
    # nothing is ever fetched.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, recover=True
    )


def _local(name: str) -> str:
    """Attribute or tag name without namespace or prefix, lower-cased: OPML in the wild ignores case."""
    if name.startswith("{"):
        name = name.split("}", 1)[1]
    return name.rsplit(":", 1)[-1].lower()


def _attrs(element: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    """(plain OPML attributes, our newsstand attributes), keys lower-cased local names, values stripped."""
    plain: dict[str, str] = {}
    ours: dict[str, str] = {}
    # Ours: our namespace, whatever namespace the document binds to the `newsstand` prefix, or that prefix left
    # undeclared (hand-written files).
    our_uris = {"{" + NS + "}", "{" + (element.nsmap.get(PREFIX) or NS) + "}"}
    for raw_name, value in element.attrib.items():
        name = str(raw_name)
        is_ours = name.startswith(tuple(our_uris)) or name.lower().startswith(PREFIX + ":")
        (ours if is_ours else plain)[_local(name)] = str(value).strip()
    return plain, ours


def parse_opml(source: str | bytes) -> OPMLDocument:
    """Read an OPML document into feed outlines and the outlines we had to skip, with reasons."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    # A str may carry an encoding declaration lxml would refuse for text input; bytes avoid that.
    if not data.strip():
        raise OPMLError("the OPML document is empty")
    try:
        root = etree.fromstring(_repair(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise OPMLError(f"not readable XML: {exc}") from exc
    if root is None:
        raise OPMLError("not readable XML")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise OPMLError("the document declares XML entities; refused (entities are how XXE attacks arrive)")
    if _local(str(root.tag)) != "opml":
        raise OPMLError(f"the root element is <{_local(str(root.tag))}>, not <opml>: is this really an OPML file?")

    title = ""
    for element in root.iter():
        if isinstance(element.tag, str) and _local(element.tag) == "title":
            title = (element.text or "").strip()
            break

    feeds: list[OutlineFeed] = []
    invalid: list[InvalidOutline] = []
    body = next((child for child in root if isinstance(child.tag, str) and _local(child.tag) == "body"), root)
    _walk(body, [], feeds, invalid)
    return OPMLDocument(title=title, feeds=feeds, invalid=invalid)


def _walk(parent: etree._Element, categories: list[str], feeds: list[OutlineFeed], invalid: list[InvalidOutline]):
    for element in parent:
        if not isinstance(element.tag, str) or _local(element.tag) != "outline":
            continue
        plain, ours = _attrs(element)
        label = plain.get("title") or plain.get("text") or ""
        url = plain.get("xmlurl", "")
        children = [child for child in element if isinstance(child.tag, str) and _local(child.tag) == "outline"]
        if not url:
            if children:
                _walk(element, [*categories, ours.get("section") or label], feeds, invalid)
            elif plain.get("type", "").lower() not in {"link", "include", "separator"}:
                invalid.append(InvalidOutline(label or "(untitled outline)", "the outline has no xmlUrl"))
            continue
        feeds.append(
            OutlineFeed(
                url=url,
                title=label,
                html_url=plain.get("htmlurl", ""),
                publisher=ours.get("publisher", ""),
                homepage=ours.get("homepage", ""),
                country=ours.get("country", ""),
                language=ours.get("language", "") or plain.get("language", ""),
                section=ours.get("section", ""),
                full_text=ours.get("fulltext", "").lower(),
                active=ours.get("active", "true").lower() not in {"false", "0", "no"},
                folder=_folder(categories, plain.get("category", "")),
            )
        )
        if children:  # a feed outline with children is odd but real: keep the children too
            _walk(element, categories, feeds, invalid)


def _folder(categories: list[str], category_attr: str) -> str:
    """The innermost named category outline, else the last segment of the first `category` path."""
    for name in reversed(categories):
        if name:
            return name
    first = category_attr.split(",")[0].strip()
    return first.strip("/").rsplit("/", 1)[-1].strip()


def write_opml(feeds: Iterable[OutlineFeed], *, title: str = "Newsstand sources", now: datetime | None = None) -> bytes:
    """OPML 2.0, one category outline per section (in first-seen order), unsectioned feeds at the top level."""
    root = etree.Element("opml", nsmap={PREFIX: NS})
    root.set("version", "2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    if now is not None:
        etree.SubElement(head, "dateCreated").text = format_datetime(now, usegmt=True)
    body = etree.SubElement(root, "body")
    groups: dict[str, etree._Element] = {}
    for feed in feeds:
        parent = body
        if feed.section:
            parent = groups.get(feed.section)
            if parent is None:
                parent = groups[feed.section] = etree.SubElement(body, "outline", text=feed.section, title=feed.section)
        outline = etree.SubElement(parent, "outline")
        label = feed.title or feed.publisher or feed.url
        outline.set("type", "rss")
        outline.set("text", label)
        outline.set("title", label)
        outline.set("xmlUrl", feed.url)
        if feed.html_url or feed.homepage:
            outline.set("htmlUrl", feed.html_url or feed.homepage)
        ours = {
            "publisher": feed.publisher,
            "homepage": feed.homepage,
            "country": feed.country,
            "language": feed.language,
            "section": feed.section,
            "fullText": feed.full_text,
            "active": "" if feed.active else "false",
        }
        for name in OUR_ATTRS:
            if ours[name]:
                outline.set(f"{{{NS}}}{name}", ours[name])
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
