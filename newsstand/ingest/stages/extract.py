"""Extract stage: the article out of a publisher's page, for feeds that carry only a teaser.

trafilatura finds the main text (on the public article-extraction benchmark it is among the best open
extractors; `python -m bench.extraction` measures ours: F1 0.966 on 57 of its pages, ~36 ms CPU per page). The page
is parsed once, with lxml, and everything is read from that one tree:

- the body: `trafilatura.bare_extraction` in fast mode with formatting and links kept, converted to plain HTML
  (p, h2-h6, ul/ol/li, blockquote, pre, table, a, strong/em...); the page's headline is dropped from its top;
- title, author, description, date: trafilatura's metadata readers (meta tags, JSON-LD, bylines, htmldate),
  minus the passes we do not use (categories, tags, licence, site name);
- canonical URL (`<link rel=canonical>`, else `og:url`), lead image (`og:image` with its size, else the first
  figure) and the exact publication time (`article:published_time` & co., JSON-LD `datePublished`) from the head;
- figures: trafilatura's image mode flattens captions into stray paragraphs and keeps galleries and logos (-0.8
  F1), so <figure>s are read before extraction (image, caption, credit, and the paragraph that follows), removed
  from the tree, and put back, as `<figure><img><figcaption>caption <small>credit</small></figcaption></figure>`,
  before that paragraph when it made it into the article.

No per-site rules are needed on the benchmark; if some site ever needs one, it goes in a table keyed by host
(trafilatura's `prune_xpath`), never in an `if` here. The body HTML is *not* trusted: the sanitize stage cleans it.
Failures are `ExtractionError`, never anything else from third-party code, and hostile pages (binary, empty,
huge, deeply nested) end within seconds: pages are cut at 5 MB and refused above 20 000 elements.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from newsstand.core.errors import NewsstandError
from newsstand.core.html import html_to_text, plain_text
from newsstand.ingest.types import Extracted, RawImage

# Pages larger than this are cut before parsing (articles are far smaller; the rest is inline scripts and JSON).
MAX_PAGE_BYTES = 5_000_000
# Extraction time grows with the element count (≈0.35 ms per text paragraph); real article pages hold 1–10 k.
MAX_PAGE_ELEMENTS = 20_000
# Less text than this is a teaser, a paywall notice or navigation, not an article; the feed's summary serves better.
# Counted in characters, not words: CJK text has no spaces.
MIN_ARTICLE_CHARS = 120
# Elements that name a photo's credit inside a <figure> (matched against class names).
_CREDIT_CLASS = re.compile(r"credit|copyright|source|byline|attribution|photographer", re.IGNORECASE)


class ExtractionError(NewsstandError):
    """The page holds no article we can read (empty, binary, not HTML, or no main text found)."""

    code = "extract"


@dataclass(frozen=True, slots=True)
class ExtractionSettings:
    """The trafilatura options we run with. `python -m bench.extraction` compares them on 57 benchmark pages
    (CPU ms per page, least of 5 runs, one loaded 2-core box): fast 0.966 F1 / 36 ms, favor_precision 0.970 /
    43 ms, fast+precision 0.961 / 30 ms but recall 0.954 and one page lost. Fast gives the best quality per
    CPU-second without losing article text; the precision gain is within the benchmark's noise."""

    fast: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True


DEFAULT_SETTINGS = ExtractionSettings()


@dataclass(slots=True)
class _Figure:
    """A <figure> read from the page before extraction, to be put back next to the text that followed it."""

    src: str
    srcset: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    width: str = ""
    height: str = ""
    anchor: str = ""  # the start of the first paragraph after the figure


def extract_page(html: bytes | str, *, url: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> Extracted:
    """The article in an HTML page fetched from `url` (body HTML unsanitised, URLs absolute).

    Raises ExtractionError when the page is empty, not HTML, or has no main text."""
    if not html or not html.strip():
        raise ExtractionError("the page is empty")
    if isinstance(html, bytes) and b"\x00" in html[:4096]:
        raise ExtractionError("the page is binary, not HTML")
    html = html[:MAX_PAGE_BYTES]
    try:
        tree = load_html(html)
    except (ValueError, TypeError, etree.LxmlError) as error:
        raise ExtractionError(f"the page is not HTML: {error}") from error
    if tree is None or tree.find(".//body") is None and len(tree) < 1:
        raise ExtractionError("the page is not HTML")
    if tree.xpath("count(//*)") > MAX_PAGE_ELEMENTS:  # counted in C: no Python object per element
        raise ExtractionError(f"the page has more than {MAX_PAGE_ELEMENTS} elements, too many to extract")

    head = _head_metadata(tree, url)
    metadata = _page_metadata(tree, head)
    figures = _take_figures(tree, url)
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=settings.fast,
            favor_precision=settings.favor_precision,
            favor_recall=settings.favor_recall,
            include_comments=False,
            include_tables=settings.include_tables,
            include_images=False,  # figures are read and put back by us; trafilatura's image mode adds noise
            include_formatting=True,
            include_links=True,
            with_metadata=False,  # read by _page_metadata, without the categories/tags/licence/sitename passes
        )
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as error:
        raise ExtractionError(f"extraction failed: {error}") from error
    if document is None or document.body is None:
        raise ExtractionError("no article text found on the page")

    body = convert_to_html(document.body)[0]  # <html><body>…</body></html> → the body
    title = plain_text(head.title or metadata.title or "")
    _drop_title_heading(body, title)
    placed = _place_figures(body, figures)
    body_html = "".join(etree.tostring(child, encoding="unicode", method="html") for child in body)
    if body.text and body.text.strip():
        body_html = f"<p>{_escape(body.text.strip())}</p>{body_html}"
    text = html_to_text(body_html)
    if len(text) < MIN_ARTICLE_CHARS:
        raise ExtractionError(f"no article text found on the page ({len(text)} characters)")

    lead_image = _lead_image(head, _absolute_http(url, metadata.image or ""), placed)
    return Extracted(
        body_html=body_html,
        text=text,
        title=title,
        author=plain_text(metadata.author or ""),
        published=head.published or _date_only(metadata.date),
        canonical_url=head.canonical,
        lead_image=lead_image,
        description=plain_text(head.description or metadata.description or ""),
    )


@dataclass(slots=True)
class _Head:
    title: str = ""
    canonical: str = ""
    image: str = ""
    width: int | None = None
    height: int | None = None
    description: str = ""
    published: datetime | None = None


_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "pubdate", "publishdate",
    "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
)  # fmt: skip
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def _head_metadata(tree: HtmlElement, url: str) -> _Head:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = content
    head = _Head(title=meta.get("og:title", ""), description=meta.get("og:description", ""))
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            head.canonical = _absolute_http(url, link.get("href") or "")
            break
    head.canonical = head.canonical or _absolute_http(url, meta.get("og:url", ""))
    head.image = _absolute_http(url, meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image", ""))
    if head.image:
        head.width = _dimension(meta.get("og:image:width"))
        head.height = _dimension(meta.get("og:image:height"))
    for key in _META_PUBLISHED:
        if published := _parse_datetime(meta.get(key, "")):
            head.published = published
            break
    else:
        for script in tree.iter("script"):
            if (script.get("type") or "").lower() == "application/ld+json" and script.text:
                match = _JSONLD_PUBLISHED.search(script.text)
                if match and (published := _parse_datetime(match.group(1))):
                    head.published = published
                    break
    return head


_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd"})
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-url", "data-hi-res-src", "src")
_ANCHOR_CHARS = 48
_MIN_ANCHOR_CHARS = 20


def _anchor(text: str) -> str:
    return " ".join(text.split())[:_ANCHOR_CHARS]


def _page_metadata(tree: HtmlElement, head: _Head) -> Document:
    """Title, author, description, image and (when the head has no precise time) date, the way
    trafilatura.metadata.extract_metadata finds them, without the passes we do not use (categories, tags, licence,
    site name: a quarter of the extraction time)."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a single word is a handle or a site name more often than a person
    # Malformed JSON-LD that the library does not handle leaves the meta-tag values in place.
    with suppress(ValueError, TypeError, KeyError, AttributeError):
        metadata = extract_meta_json(tree, metadata)
    if not metadata.title and not head.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if head.published is None:
        metadata.date = find_date(tree, **set_date_params(True))
    return metadata


def _take_figures(tree: HtmlElement, url: str) -> list[_Figure]:
    """The page's <figure>s that hold an image, each with its caption, credit and the start of the paragraph
    that follows it; the figures leave the tree so that trafilatura cannot flatten their captions into text."""
    figures: list[_Figure] = []
    found = list(tree.iter("figure"))
    if not found:
        return figures
    read = {}
    inside = set()
    for element in found:
        if element not in inside:
            read[element] = _read_figure(element, url)
        inside.update(element.iter())
    waiting: list[_Figure] = []  # figures seen, no paragraph after them yet
    for element in tree.iter():
        if element in read:
            if (figure := read[element]) is not None:
                figures.append(figure)
                waiting.append(figure)
        elif waiting and element.tag in _BLOCKS and element not in inside:
            anchor = _anchor(element.text_content())
            if len(anchor) >= _MIN_ANCHOR_CHARS:
                for figure in waiting:
                    figure.anchor = anchor
                waiting.clear()
    for element in read:
        _drop(element)
    return figures


def _read_figure(figure: HtmlElement, url: str) -> _Figure | None:
    for image in figure.iter("img"):
        source = next(
            (resolved for attribute in _LAZY_SOURCES if (resolved := _absolute_http(url, image.get(attribute) or ""))),
            "",
        )
        if source:
            break
    else:
        return None
    credit_parts = []
    captions = list(figure.iter("figcaption"))
    for caption in captions:
        for element in list(caption.iter()):
            if element is caption or not isinstance(element.tag, str):
                continue
            if element.tag in ("small", "cite") or _CREDIT_CLASS.search(element.get("class") or ""):
                credit_parts.append(element.text_content())
                _drop(element)
    return _Figure(
        src=source,
        srcset=image.get("srcset") or image.get("data-srcset") or "",
        alt=plain_text(image.get("alt") or ""),
        caption=plain_text(" ".join(caption.text_content() for caption in captions)),
        credit=plain_text(" ".join(credit_parts)).strip("() "),
        width=image.get("width") or "",
        height=image.get("height") or "",
    )


def _place_figures(body: etree._Element, figures: list[_Figure]) -> list[_Figure]:
    """Put each figure back before the extracted block that followed it on the page; figures whose paragraph
    did not make it into the article (galleries, sidebars) stay out. Returns the figures placed, in order."""
    by_anchor: dict[str, list[_Figure]] = {}
    for figure in figures:
        if figure.anchor:
            by_anchor.setdefault(figure.anchor, []).append(figure)
    placed: list[_Figure] = []
    if not by_anchor:
        return placed
    for element in list(body.iter(*_BLOCKS)):
        waiting = by_anchor.pop(_anchor("".join(element.itertext())), None)
        if not waiting:
            continue
        top = element
        while top.getparent() is not None and top.getparent() is not body:
            top = top.getparent()
        for figure in waiting:
            top.addprevious(_figure_element(figure))
            placed.append(figure)
        if not by_anchor:
            break
    return placed


def _figure_element(figure: _Figure) -> etree._Element:
    element = etree.Element("figure")
    image = etree.SubElement(element, "img", src=figure.src)
    for name in ("srcset", "alt", "width", "height"):
        if value := getattr(figure, name):
            image.set(name, value)
    if figure.caption or figure.credit:
        caption = etree.SubElement(element, "figcaption")
        caption.text = figure.caption
        if figure.credit:
            caption.text = f"{caption.text} " if caption.text else ""
            etree.SubElement(caption, "small").text = figure.credit
    return element


def _drop_title_heading(body: etree._Element, title: str) -> None:
    """The article's own headline at the top of the body: readers see the title already (and the benchmark's
    article bodies never include it)."""
    first = next((child for child in body if isinstance(child.tag, str)), None)
    if first is None or first.tag not in ("h1", "h2", "h3") or not title or (body.text or "").strip():
        return
    heading = " ".join("".join(first.itertext()).split()).casefold()
    wanted = title.casefold()
    if len(heading) >= 10 and (wanted.startswith(heading) or heading.startswith(wanted)):
        _drop(first)


def _lead_image(head: _Head, trafilatura_image: str, placed: list[_Figure]) -> RawImage | None:
    """The page's own choice (og:image) with the caption of the body figure showing it, else the first figure."""
    lead_url = head.image or trafilatura_image
    if not lead_url:
        if not placed:
            return None
        first = placed[0]
        return RawImage(
            url=first.src,
            caption=first.caption,
            credit=first.credit,
            width=_dimension(first.width),
            height=_dimension(first.height),
        )
    same = next((figure for figure in placed if _same_image(figure.src, lead_url)), None)
    return RawImage(
        url=lead_url,
        caption=same.caption if same else "",
        credit=same.credit if same else "",
        width=head.width,
        height=head.height,
    )


def _same_image(a: str, b: str) -> bool:
    """Same image file, ignoring resizing query strings (og:image and the body often differ only there)."""
    return a == b or urlsplit(a)._replace(query="", fragment="") == urlsplit(b)._replace(query="", fragment="")


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _absolute_http(base: str, url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        resolved = urljoin(base, url)
        scheme = urlsplit(resolved).scheme
    except ValueError:
        return ""
    return resolved if scheme in ("http", "https") else ""


def _dimension(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 else None


def _parse_datetime(value: str) -> datetime | None:
    """An aware UTC datetime from the ISO-8601-ish strings publishers put in meta tags (naive means UTC)."""
    value = value.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _date_only(value: str | None) -> datetime | None:
    """trafilatura's date (YYYY-MM-DD, the page's best guess) as midnight UTC."""
    if not value:
        return None
    try:
        return datetime.combine(datetime.strptime(value[:10], "%Y-%m-%d").date(), time(), tzinfo=UTC)
    except ValueError:
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
