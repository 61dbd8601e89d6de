"""Sanitize stage: the only place HTML becomes trusted (CleanHtml), once per entry, after filter and extract.

Everything a publisher sends (feed summaries, feed content, extracted page bodies) passes through one nh3
(ammonia/html5ever) allowlist made for news articles. Nothing executable survives: no script, style, iframe,
object, form controls, SVG/MathML, event handlers, `style` attributes, `javascript:` or `data:` URLs (links allow
http, https and mailto; images only http and https). Links and images are made absolute against the article URL,
links lose tracking parameters and get `rel="noopener noreferrer"`, images get `loading="lazy"` and
`referrerpolicy="no-referrer"` (readers' browsers should not tell publishers which article they read here).
Lazy-loaded images (`data-src`, `data-lazy-src`, `data-original` beside a placeholder) get their real source as src;
images left without a usable source, and blocks left empty, are removed. `<h1>` is demoted to `<h2>`: the page's
own title is the only h1. Last, what the article page already shows above the body (the headline, the lead image,
a standfirst made of the opening paragraphs) leaves the body (stages.repeats).

Cost, as `python -m bench.extraction --split all` measured it (median over the 57 benchmark pages' extracted bodies,
median 4.6 kB of HTML; least of 3 runs, CPU time, a loaded 2-core box, when sanitize still derived the text that
enrich derives now): about 150 µs per article body, of which nh3 is ~60-80 µs and the Python URL callback and regex
clean-ups most of the rest; a 200-character feed
summary with a link and an image costs ~80 µs. `sanitize_entry` does two of these.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from urllib.parse import urljoin, urlsplit

import nh3

from newsstand.core import html as html_text
from newsstand.core.html import CleanHtml
from newsstand.core.urls import strip_tracking
from newsstand.ingest.stages import repeats
from newsstand.ingest.types import CleanEntry, DraftEntry

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "q", "cite", "figure", "figcaption", "img", "picture", "source", "a",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark", "abbr", "time", "span",
        "code", "pre", "kbd", "samp", "var",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
    }
)  # fmt: skip
# Removed together with everything inside them (the rest of the unknown tags are unwrapped, text kept).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "canvas", "video", "audio", "button", "select", "textarea", "input", "title", "head",
        "meta", "link", "base",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "data-src", "data-lazy-src", "data-original"},
    "source": {"srcset", "sizes", "media", "type", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})

_PLAIN_ABSOLUTE = re.compile(r"https?://[^\x00-\x20\\]+\Z")
_NUMERIC_ATTRIBUTES = frozenset({"width", "height", "colspan", "rowspan", "span", "start", "value"})
_H1 = re.compile(r"<(/?)[hH]1(?=[\s/>])")
# Matches nh3 output only: attributes are always `name="value"` with `"` `<` `>` escaped inside values.
# Lazy-loading plugins put the real image here and a data: placeholder (refused) in src.
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original")
# Matches nh3 output only: attributes are always `name="value"` with `"` `<` `>` escaped inside values.
_IMG_TAG = re.compile(r'<img((?: [a-z-]+="[^"]*")*)>')
_ATTRIBUTE = re.compile(r' ([a-z-]+)="([^"]*)"')
_EMPTY_BLOCK = re.compile(r"<(p|div|a|figure|figcaption|span|li|picture|h[2-6])(?: [a-z-]+=\"[^\"]*\")*>\s*</\1>")
_CAPTION_ONLY_FIGURE = re.compile(r"<figure>\s*<figcaption>(?:(?!<figure).)*?</figcaption>\s*</figure>", re.DOTALL)
# Added after cleaning (nh3's own setter writes attributes in random order, which golden files cannot follow).
_IMG_EXTRA = '<img loading="lazy" referrerpolicy="no-referrer"'
_BLANK_LINES = re.compile(r"\n\s*\n")
_VALID_DESCRIPTOR = re.compile(r"\d+(?:\.\d+)?[wx]")


def _absolute(base_url: str, url: str, schemes: frozenset[str]) -> str | None:
    """`url` resolved against the article URL, or None when it is not one of `schemes`."""
    url = url.strip()
    if _PLAIN_ABSOLUTE.match(url):  # the common case, without urljoin's cost
        return url
    try:
        resolved = urljoin(base_url, url)
        scheme = urlsplit(resolved).scheme.lower()
    except ValueError:
        return None
    return resolved if scheme in schemes else None


def _srcset(base_url: str, value: str) -> str | None:
    """A srcset with every candidate made absolute; candidates with other schemes (data:) dropped."""
    kept = []
    for url, descriptor in html_text.srcset_candidates(value):
        resolved = _absolute(base_url, url, IMAGE_SCHEMES)
        if resolved and not resolved.endswith(","):
            kept.append(f"{resolved} {descriptor}" if _VALID_DESCRIPTOR.fullmatch(descriptor) else resolved)
    return ", ".join(kept) or None


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3 calls this for every kept attribute, after its own scheme check and before output."""
    if name == "href":
        resolved = _absolute(_base_url.get(), value, LINK_SCHEMES)
        if resolved and "?" in resolved:
            return strip_tracking(resolved)
        return resolved
    if name == "src" or name in _LAZY_SOURCES:
        return _absolute(_base_url.get(), value, IMAGE_SCHEMES)
    if name == "srcset":
        return _srcset(_base_url.get(), value)
    if name in _NUMERIC_ATTRIBUTES:
        value = value.strip().removesuffix("px")
        return value if value.isdigit() and len(value) <= 6 else None
    return value


# The article URL of the fragment being cleaned: one cleaner serves all calls (building one costs ~60 µs).
_base_url: ContextVar[str] = ContextVar("sanitize_base_url", default="")
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    link_rel="noopener noreferrer",
    url_schemes=set(LINK_SCHEMES),
    strip_comments=True,
)


def sanitize_html(html: str, *, base_url: str) -> CleanHtml:
    """Trusted HTML for an article body or summary, with URLs absolute against `base_url` (the article URL)."""
    if not html or not html.strip():
        return CleanHtml("")
    token = _base_url.set(base_url)
    try:
        clean = _CLEANER.clean(_H1.sub(r"<\1h2", html))
    finally:
        _base_url.reset(token)
    # Images whose only source was refused (data:, javascript:) and blocks left empty would render as gaps.
    if "<img" in clean:
        clean = _IMG_TAG.sub(_finish_image, clean)
    removed = 1
    while removed:  # removing an empty block can empty its parent
        clean, removed = _EMPTY_BLOCK.subn("", clean)
        if "<figcaption>" in clean:
            clean, captions_only = _CAPTION_ONLY_FIGURE.subn("", clean)
            removed += captions_only
    return CleanHtml(_BLANK_LINES.sub("\n", clean).strip())


def _finish_image(match: re.Match[str]) -> str:
    """An <img> as readers get it: a lazy-loaded source promoted to src, lazy/referrer attributes added, or
    nothing at all when no usable source is left (a refused data: URL would render as a broken box)."""
    attributes = _ATTRIBUTE.findall(match.group(1))
    has_src = any(name == "src" for name, _ in attributes)
    kept = []
    for name, value in attributes:
        if name in _LAZY_SOURCES:
            if has_src:
                continue
            name, has_src = "src", True
        kept.append(f' {name}="{value}"')
    return f"{_IMG_EXTRA}{''.join(kept)}>" if has_src else ""


def _http_or_empty(base_url: str, url: str) -> str:
    if not url:
        return ""
    return _absolute(base_url, url, IMAGE_SCHEMES) or ""


def sanitize_entry(entry: DraftEntry | CleanEntry, *, base_url: str) -> CleanEntry:
    """The entry with trusted HTML, plain-text title/author/caption/categories and http(s)-only URLs; the body
    leaves out what the page shows above it (stages.repeats). What is derived from the clean entry (text, word
    count, content hash) is the enrich stage's. Cleaning a clean entry again changes nothing."""
    title = html_text.plain_text(entry.title)
    shown = repeats.drop_repeats(
        repeats.Shown(
            title=title,
            summary_html=sanitize_html(entry.summary_html, base_url=base_url),
            body_html=sanitize_html(entry.body_html, base_url=base_url),
            lead_image_url=_http_or_empty(base_url, entry.lead_image_url),
            lead_image_caption=html_text.plain_text(entry.lead_image_caption),
            lead_image_credit=html_text.plain_text(entry.lead_image_credit),
        )
    )
    return CleanEntry(
        identity=entry.identity,
        url=_http_or_empty(base_url, entry.url),
        guid=entry.guid,
        title=title,
        # Still sanitiser output: the repeats step only removes whole elements from what nh3 serialised.
        summary_html=CleanHtml(shown.summary_html),
        body_html=CleanHtml(shown.body_html),
        author=html_text.plain_text(entry.author),
        categories=[c for c in (html_text.plain_text(c) for c in entry.categories) if c],
        published_at=entry.published_at,
        lead_image_url=shown.lead_image_url,
        lead_image_caption=shown.lead_image_caption,
        lead_image_credit=shown.lead_image_credit,
        language=entry.language,
        canonical_url=_http_or_empty(base_url, entry.canonical_url),
        full_text=entry.full_text,
        extraction_error=entry.extraction_error,
        source_hash=entry.source_hash,
    )
