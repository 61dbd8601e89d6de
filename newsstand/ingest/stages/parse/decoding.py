"""Bytes to a well-formed UTF-8 document, and the entity safety every document passes before a parser sees it.

Documents that declare entities in a DOCTYPE (billion laughs, XXE) are refused; libxml2 runs with no network, no
DTD loading, no entity resolution and its default size limits. HTML named entities (`&nbsp;`, common in RSS
0.91) are rewritten to character references, because without the DTD they are undefined.
"""

from __future__ import annotations

import codecs
import re
from html.entities import html5 as _HTML5_ENTITIES

from lxml import etree

from newsstand.core.errors import ParseError

STRICT_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, collect_ids=False,
    remove_comments=True, remove_pis=True, huge_tree=False, recover=False,
)  # fmt: skip
RECOVERING_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, collect_ids=False,
    remove_comments=True, remove_pis=True, huge_tree=False, recover=True,
)  # fmt: skip

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.I)
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']""", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_HTML_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")
_BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9._-]{0,31};)")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "utf_8", "unicode-1-1-utf-8"})
# Browsers read "latin-1" and "ascii" labels as windows-1252; so do we (smart quotes survive).
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819"})


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: a stray byte in an otherwise UTF-8 document is read as windows-1252."""
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    return chunk.decode("cp1252", errors="replace"), error.end


codecs.register_error("newsstand-cp1252", _cp1252_fallback)


def _declared_encoding(head: bytes, content_type: str) -> tuple[str, str]:
    """(XML declaration encoding, HTTP charset), lower-case, "" when absent."""
    declared = ""
    decl = _XML_DECL.match(head)
    if decl:
        match = _DECL_ENCODING.search(decl.group(0))
        if match:
            declared = match.group(1).decode("ascii").lower()
    charset = ""
    match = _CHARSET.search(content_type or "")
    if match:
        charset = match.group(1).lower()
    return declared, charset


def _known_codec(name: str) -> str:
    if not name:
        return ""
    if name in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def to_utf8(body: bytes, content_type: str) -> bytes:
    """The document as UTF-8 bytes without a BOM, its XML declaration (if any) saying so.

    Real feeds lie about their encoding: declared ISO-8859-1 but written in UTF-8, declared UTF-8 but carrying
    windows-1252 bytes, no declaration at all. Valid UTF-8 wins whatever is declared (random legacy-encoded text
    is almost never valid UTF-8); otherwise the declared encoding; otherwise UTF-8 with stray bytes as cp1252.
    """
    bom_codec = ""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            bom_codec, body = name, body[len(bom) :]
            break
    if not bom_codec and len(body) >= 2 and (body[0] == 0 or body[1] == 0):
        bom_codec = "utf-16-be" if body[0] == 0 else "utf-16-le"
    if bom_codec and bom_codec != "utf-8":
        text = body.decode(bom_codec, errors="replace")
        return _with_utf8_declaration(text.encode("utf-8"))

    body = body.lstrip(b" \t\r\n")  # whitespace before the XML declaration is a fatal error for libxml2
    declared, charset = _declared_encoding(body[:1024], content_type)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared in _UTF8_NAMES or not declared:
            return body
        return _with_utf8_declaration(body)
    for name in (declared, charset):
        codec = _known_codec(name)
        if codec and codec != "utf-8":
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                continue
            return _with_utf8_declaration(text.encode("utf-8"))
    return _with_utf8_declaration(body.decode("utf-8", errors="newsstand-cp1252").encode("utf-8"))


def _with_utf8_declaration(body: bytes) -> bytes:
    return _XML_DECL.sub(b'<?xml version="1.0" encoding="utf-8"?>', body, count=1)


def refuse_entity_declarations(body: bytes) -> None:
    """Entity declarations can only sit in the DOCTYPE, before the root element: refuse, never expand."""
    first = _FIRST_ELEMENT.search(body)
    prolog = body[: first.start()] if first else body
    if _ENTITY_DECL.search(prolog):
        raise ParseError("refused: the document declares XML entities (entity expansion / external entity attack)")


def _html_entity(match: re.Match[bytes]) -> bytes:
    codepoints = _HTML5_ENTITIES.get(match.group(1).decode("ascii") + ";")
    if codepoints is None:
        return match.group(0)
    return b"".join(b"&#%d;" % ord(char) for char in codepoints)


def with_character_references(data: bytes) -> bytes:
    """HTML named entities (undefined in XML without the DTD) rewritten as numeric character references."""
    if b"&" not in data:
        return data
    return _HTML_ENTITY.sub(_html_entity, data)


def escape_bare_ampersands(data: bytes) -> bytes:
    """`&` that starts no reference escaped as `&amp;`, as browsers read it (the commonest malformation)."""
    return _BARE_AMPERSAND.sub(b"&amp;", data)
