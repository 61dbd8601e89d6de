"""Extract stage: the article out of a publisher's page, for feeds that carry only a teaser.

trafilatura finds the main text (on the public article-extraction benchmark it is among the best open
extractors); around it, rules that hold on pages it was not tuned on (`python -m bench.extraction --split
held-out` measures them on pages kept out of tuning). The page is parsed once, with lxml, and everything is read
from that one tree:

- before extraction: the site's rule, if it has one (`SITE_RULES`: data, one golden test per site, never an `if`
  here); text left loose among blocks and `<br><br>` becomes paragraphs (trafilatura otherwise splits it at every
  link and loses the space after it); figures are taken out (below);
- the body: `trafilatura.bare_extraction` in fast mode with formatting and links kept, converted to plain HTML
  (p, h2-h6, ul/ol/li, blockquote, pre, table, a, strong/em...); then what the article text never includes goes:
  the headline and a kicker above it (headings at the top that repeat the page's title, h1 or description),
  paragraphs that are only a link ("Read more: …", "[Related: …]"), and "Published/Updated …" date lines;
- the publisher's own text, JSON-LD `articleBody`, is the check: when it is an article's worth and our body holds
  less than half of it (we read the wrong part of the page, or too little), its paragraphs are the body;
- title, author, description, date: trafilatura's metadata readers (meta tags, JSON-LD, bylines, htmldate),
  minus the passes we do not use (categories, tags, licence, site name);
- canonical URL (`<link rel=canonical>`, else `og:url`), lead image (`og:image` with its size, else the first
  figure) and the exact publication time (`article:published_time` & co., JSON-LD `datePublished`) from the head;
- figures: trafilatura's image mode flattens captions into stray paragraphs and keeps galleries and logos (-0.8
  F1), so <figure>s are read before extraction (image, caption, credit, and the paragraph that follows), removed
  from the tree, and put back, as `<figure><img><figcaption>caption <small>credit</small></figcaption></figure>`,
  before that paragraph when it made it into the article.

No second extractor votes: the two that trafilatura ships as fallbacks (its copy of readability, jusText; the
bench runs both) score far below it on the tuning pages, so a vote would cost a second pass and lose text; the
publisher's articleBody is the better second opinion and costs nothing where a page has none. The body HTML is
*not* trusted: the sanitize stage cleans it. Failures are `ExtractionError`, never anything else from third-party
code, and hostile pages (binary, empty, huge, deeply nested, JSON-LD nested past the recursion limit) end within
seconds: pages are cut at 5 MB and refused above 20 000 elements.
"""

from __future__ import annotations

import json
import re
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, time
from html import unescape
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
    """The trafilatura options we run with; `python -m bench.extraction` compares them side by side (figures in
    bench/RESULTS.md). Fast mode, with the rules around it, scores as well as the slower modes on the held-out
    pages and better on the tuning pages, at the least CPU of those that lose no article text (fast+precision
    loses recall and a whole page)."""

    fast: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True


DEFAULT_SETTINGS = ExtractionSettings()


@dataclass(frozen=True, slots=True)
class SiteRule:
    """What one publisher's pages need beyond the generic rules, learned from its own pages (XPath 1.0)."""

    drop: tuple[str, ...] = ()  # elements that are not the article: hover cards, promotions inside the text
    headings: tuple[str, ...] = ()  # the article's own subheadings, marked up as plain <div>s the extractor skips


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Keyed by the site's domain without "www."; a rule covers its subdomains too. Each entry has a golden test
# (tests/ingest/test_extract.py::test_site_rules) on a page of that site.
SITE_RULES: dict[str, SiteRule] = {
    # A card with the person's photo and three headlines sits inside the sentence, after each linked name.
    "thehill.com": SiteRule(drop=(f"//span[{_has_class('rollover-people-block')}]",)),
    # The guides' question headings are <div class="pf_subheadline">.
    "politifact.com": SiteRule(headings=(f"//div[{_has_class('pf_subheadline')}]",)),
}


def site_rule(url: str) -> SiteRule | None:
    """The rule for the site serving `url` (its host, then each parent domain), if any."""
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return None
    while host:
        if (rule := SITE_RULES.get(host)) is not None:
            return rule
        host = host.partition(".")[2]
    return None


def _apply_site_rule(tree: HtmlElement, rule: SiteRule | None) -> None:
    if rule is None:
        return
    for path in rule.drop:
        for element in tree.xpath(path):
            element.drop_tree()  # keeps the tail: the sentence around the card goes on
    for path in rule.headings:
        for element in tree.xpath(path):
            element.tag = "h2"


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
    _apply_site_rule(tree, site_rule(url))
    _wrap_loose_text(tree)
    figures = _take_figures(tree, url)
    names = [head.title, next((heading.text_content() for heading in tree.iter("h1")), ""), head.description]
    body_html, placed = _main_text(tree, url=url, settings=settings, figures=figures, names=names, metadata=metadata)
    text = html_to_text(body_html) if body_html else ""
    publisher_text = _article_body_text(head.article_body)
    if _prefer_publisher_text(extracted=text, publisher=publisher_text):
        body_html = "".join(f"<p>{_escape(line)}</p>" for line in publisher_text.splitlines() if line.strip())
        text, placed = html_to_text(body_html), []
    if len(text) < MIN_ARTICLE_CHARS:
        raise ExtractionError(f"no article text found on the page ({len(text)} characters)")

    title = plain_text(head.title or metadata.title or "")
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


def _main_text(
    tree: HtmlElement,
    *,
    url: str,
    settings: ExtractionSettings,
    figures: list[_Figure],
    names: list[str],
    metadata: Document,
) -> tuple[str, list[_Figure]]:
    """The body HTML trafilatura finds ("" when it finds none), without the headline and the promotions, with the
    figures put back; and the figures placed."""
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
        return "", []
    body = convert_to_html(document.body)[0]  # <html><body>…</body></html> → the body
    _drop_top_matter(body, [*names, metadata.title or "", metadata.description or ""])
    _drop_link_paragraphs(body)
    _drop_date_lines(body)
    placed = _place_figures(body, figures)
    body_html = "".join(etree.tostring(child, encoding="unicode", method="html") for child in body)
    if body.text and body.text.strip():
        body_html = f"<p>{_escape(body.text.strip())}</p>{body_html}"
    return body_html, placed


# The publisher's own article text (JSON-LD articleBody) replaces ours only when it is an article's worth of words
# and ours holds less than this share of its word 4-grams: then we read the wrong part of the page or too little.
_PUBLISHER_MIN_WORDS = 80
_PUBLISHER_AGREEMENT = 0.5


def _article_body_text(raw: str) -> str:
    """Plain text, one paragraph a line, of a JSON-LD articleBody (plain text, HTML, or escaped HTML)."""
    if not raw:
        return ""
    if "&lt;" in raw or "&amp;" in raw:
        raw = unescape(raw)
    text = html_to_text(raw) if "<" in raw else raw
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _word_grams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def _prefer_publisher_text(*, extracted: str, publisher: str) -> bool:
    if len(publisher.split()) < _PUBLISHER_MIN_WORDS and len(publisher) < 5 * _PUBLISHER_MIN_WORDS:
        return False
    if len(extracted) < MIN_ARTICLE_CHARS:
        return True
    theirs = _word_grams(publisher)
    return bool(theirs) and len(theirs & _word_grams(extracted)) < _PUBLISHER_AGREEMENT * len(theirs)


@dataclass(slots=True)
class _Head:
    title: str = ""
    canonical: str = ""
    image: str = ""
    width: int | None = None
    height: int | None = None
    description: str = ""
    published: datetime | None = None
    article_body: str = ""  # JSON-LD articleBody, as the page gives it


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
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        if head.published is None:
            match = _JSONLD_PUBLISHED.search(script.text)
            if match and (published := _parse_datetime(match.group(1))):
                head.published = published
        if not head.article_body and '"articleBody"' in script.text:
            head.article_body = _json_ld_value(script.text, "articleBody")
    return head


def _json_ld_value(source: str, key: str) -> str:
    """The first string under `key` in a JSON-LD script (objects, lists and @graph searched breadth-first); ""
    when the script is not valid JSON."""
    try:
        waiting = deque([json.loads(source, strict=False)])  # publishers leave raw line breaks in strings
    except (ValueError, RecursionError):
        return ""
    while waiting:
        item = waiting.popleft()
        if isinstance(item, dict):
            if isinstance(value := item.get(key), str):
                return value
            waiting.extend(value for value in item.values() if isinstance(value, dict | list))
        elif isinstance(item, list):
            waiting.extend(value for value in item if isinstance(value, dict | list))
    return ""


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
    with suppress(ValueError, TypeError, KeyError, AttributeError, RecursionError):
        metadata = extract_meta_json(tree, metadata)
    if not metadata.title and not head.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if head.published is None:
        metadata.date = find_date(tree, **set_date_params(True))
    return metadata


# Containers whose own text, mixed with blocks or line breaks, trafilatura splits at every inline element, losing
# the space after a link ("MacBook Pro</a> was" becomes "MacBook Prowas").
_LOOSE_TEXT = etree.XPath(
    "(//div|//span|//section|//article|//main|//font|//center)"  # a union of paths: twice as fast as //*[self::…]
    "[br or div or p or h2 or h3 or h4 or ul or ol or table or blockquote]"
    "[text()[normalize-space()]]"
    "[not(ancestor::p or ancestor::li or ancestor::a or ancestor::h1 or ancestor::h2 or ancestor::h3"
    " or ancestor::pre or ancestor::table)]"
)
_FLOW = frozenset({
    "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "figure",
    "section", "article", "aside", "header", "footer", "nav", "form", "hr", "iframe", "video", "center", "main",
})  # fmt: skip


def _wrap_loose_text(tree: HtmlElement) -> None:
    """Text that sits loose in a container among blocks and `<br><br>` breaks becomes paragraphs (as readability
    does), so that the extractor reads each run of text and inline elements as one paragraph."""
    for container in _LOOSE_TEXT(tree):
        if next(container.iterancestors("p"), None) is not None:  # an outer container wrapped it in a paragraph
            continue
        nodes: list[str | etree._Element] = [container.text or ""]
        for child in container:
            nodes.append(child)
            nodes.append(child.tail or "")
            child.tail = None
        container.text = None
        for child in list(container):
            container.remove(child)
        run: list[str | etree._Element] = []
        breaks = 0
        for node in nodes:
            if isinstance(node, str):
                if node.strip():
                    breaks = 0
                if node:
                    run.append(node)
                continue
            if node.tag == "br":
                breaks += 1
                if breaks >= 2:
                    _close_run(container, run)
                    run = []
                else:
                    run.append(node)
            elif isinstance(node.tag, str) and node.tag in _FLOW:
                _close_run(container, run)
                run = []
                container.append(node)
                breaks = 0
            else:
                run.append(node)
                breaks = 0
        _close_run(container, run)
        if container.tag in ("span", "font"):
            container.tag = "div"


def _close_run(container: etree._Element, run: list[str | etree._Element]) -> None:
    """Append a run of text and inline elements to `container`: as a <p> when it holds text, as it was if not."""
    while run and not isinstance(run[-1], str) and run[-1].tag == "br":
        run.pop()
    while run and not isinstance(run[0], str) and run[0].tag == "br":
        run.pop(0)
    has_text = any(node.strip() if isinstance(node, str) else node.text_content().strip() for node in run)
    target = etree.SubElement(container, "p") if has_text else container
    for node in run:
        if isinstance(node, str):
            last = target[-1] if len(target) else None
            if last is not None:
                last.tail = (last.tail or "") + node
            else:
                target.text = (target.text or "") + node
        else:
            target.append(node)


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


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_WORD = re.compile(r"\w+")
# A heading this close to the page's title or description (Dice coefficient of their word sets) repeats it.
_SAME_WORDS = 0.6
# Kickers above a headline ("Review", "immunology") are this short.
_KICKER_WORDS = 4


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and 2 * len(a & b) / (len(a) + len(b)) >= _SAME_WORDS


def _drop_top_matter(body: etree._Element, names: list[str]) -> None:
    """The headline and what sits above it (a kicker, the standfirst as a heading) at the top of the body:
    readers see the title already, and the benchmark's article bodies never include them. Only headings before
    the first paragraph go, and only up to the last one that repeats a name of the page (its titles, its h1, its
    description); the article's own first section heading stays."""
    name_words = [words for name in names if (words := _words(name))]
    leading = []
    for child in body:
        if not isinstance(child.tag, str) or child.tag == "figure":
            continue
        if child.tag not in _HEADINGS:
            break
        leading.append(child)
    if (body.text or "").strip() or not leading or not name_words:
        return
    repeats = [any(_similar(_words(_text_of(heading)), words) for words in name_words) for heading in leading]
    last = max((i for i, repeat in enumerate(repeats) if repeat), default=-1)
    if all(repeats[i] or len(_text_of(leading[i]).split()) <= _KICKER_WORDS for i in range(last)):
        for heading in leading[: last + 1]:
            _drop(heading)


# A paragraph that is a link and little else is a promotion ("Read more: …", "[Related: …]", a teaser in capitals):
# at most this much text outside its links, and shorter than a paragraph of prose.
_LINK_LABEL_CHARS = 20
_LINK_PARAGRAPH_CHARS = 250
_SENTENCE_END = (".", "!", "?")


def _drop_link_paragraphs(body: etree._Element) -> None:
    """Paragraphs that only point elsewhere. A sentence that happens to be a link and a bare URL (a reference)
    are prose and stay. List items are not touched (a list of links can be the article's own list of sources)."""
    for paragraph in list(body.iter("p")):
        links = [link for link in paragraph.iter("a") if _text_of(link).strip()]
        if not links:
            continue
        text = " ".join(_text_of(paragraph).split())
        link_text = " ".join(" ".join(_text_of(link) for link in links).split())
        if (
            len(text) < _LINK_PARAGRAPH_CHARS
            and len(text) - len(link_text) <= _LINK_LABEL_CHARS
            and not text.rstrip("]”\"') ").endswith(_SENTENCE_END)
            and not link_text.startswith(("http", "www."))
        ):
            _drop(paragraph)


# "Published 18 November 2019", "Updated at 1:23 p.m.": the page's dates, which the metadata carries already.
_DATE_LINE = re.compile(
    r"(published|updated|posted|last updated|last modified|first published)\b[^.!?]{0,40}\d", re.IGNORECASE
)
_DATE_LINE_WORDS = 8


def _drop_date_lines(body: etree._Element) -> None:
    for block in list(body.iter("p", "li")):
        text = " ".join(_text_of(block).split())
        if len(text.split()) <= _DATE_LINE_WORDS and _DATE_LINE.match(text):
            parent = block.getparent()
            _drop(block)
            if parent is not None and parent.tag in ("ul", "ol") and not len(parent) and not _text_of(parent).strip():
                _drop(parent)


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
