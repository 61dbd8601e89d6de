"""Small HTML-to-text helpers shared by the pipeline, the search index and the templates.

They never trust their input: every function first lets nh3 (html5ever) re-parse the markup, so the regular
expressions below only ever see its canonical serialisation (tags as `<name attr="value">`, `<` `>` `&` `"`
escaped in text and attribute values) and cannot be fooled by comments, CDATA or broken markup.
"""

from __future__ import annotations

import html
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

# Elements after which plain text gets a paragraph break, and those that get a single line break.
_PARAGRAPH_TAGS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "table", "ul", "ol",
    "dl", "hr", "section", "article", "header", "footer", "aside", "main", "nav", "address", "details", "summary",
)  # fmt: skip
_LINE_TAGS = ("br", "li", "tr", "dt", "dd", "caption")
_STRUCTURE_TAGS = frozenset(_PARAGRAPH_TAGS + _LINE_TAGS + ("td", "th"))

_TEXT_CLEANER = nh3.Cleaner(
    tags=set(_STRUCTURE_TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "svg", "math", "title", "textarea"},
    attributes={},
    link_rel=None,
)
_FIGCAPTION = re.compile(r"<figcaption[^>]*>.*?</figcaption>", re.DOTALL | re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(rf"</?(?:{'|'.join(_PARAGRAPH_TAGS)})(?:\s[^>]*)?>", re.IGNORECASE)
_LINE_BREAK = re.compile(rf"<br(?:\s[^>]*)?/?>|</(?:{'|'.join(_LINE_TAGS)})>", re.IGNORECASE)
_CELL_BREAK = re.compile(r"</t[dh]>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Private-use marks for breaks while tags are stripped; whitespace is then normalised with str.split, which is
# ~10x faster than any whitespace regex on real articles.
_PARAGRAPH_MARK = "\ue000"
_LINE_MARK = "\ue001"


def text_of_clean_html(clean_html: str) -> str:
    """Plain text of markup that nh3 already serialised (the sanitize stage's output): paragraphs separated by a
    blank line, list items and `<br>` by a newline, runs of spaces collapsed. Figure captions are left out: the
    text is the article's prose, for search, word counts and reading time."""
    text = _FIGCAPTION.sub(" ", clean_html)
    text = _PARAGRAPH_BREAK.sub(_PARAGRAPH_MARK, text)
    text = _LINE_BREAK.sub(_LINE_MARK, text)
    text = _CELL_BREAK.sub(" ", text)
    text = html.unescape(_ANY_TAG.sub("", text))
    # Source line breaks are plain whitespace in HTML; only the markup decides where lines break.
    paragraphs = []
    for block in text.split(_PARAGRAPH_MARK):
        lines = [line for line in (" ".join(part.split()) for part in block.split(_LINE_MARK)) if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def html_to_text(markup: str) -> str:
    """Plain text of any HTML fragment, keeping paragraph breaks; script and style contents are dropped."""
    if not markup:
        return ""
    return text_of_clean_html(_TEXT_CLEANER.clean(markup))


_INLINE_CLEANER = nh3.Cleaner(
    tags=set(),
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "svg", "math", "title", "textarea"},
    attributes={},
    link_rel=None,
)


def plain_text(markup: str) -> str:
    """One line of plain text from a title, an author or a caption: tags stripped, entities decoded, whitespace
    collapsed. Feeds put `<b>`, `&amp;amp;` and newlines in titles; readers should see none of it."""
    if not markup:
        return ""
    if "<" in markup or "&" in markup:
        markup = html.unescape(_INLINE_CLEANER.clean(markup))
    return " ".join(markup.split())


def word_count(text: str) -> int:
    """Words in plain text, as readers count them (whitespace-separated; CJK text counts low)."""
    return len(text.split())


_CONTAINERS = frozenset({"div", "section", "article", "main"})
_PARAGRAPHS = frozenset({"p", "blockquote", "ul", "ol", "pre", "table", "dl"})


def first_paragraphs(clean_html: str, count: int, *, fallback_words: int = 80) -> str:
    """The opening of already-sanitised HTML: everything up to and including its `count`-th paragraph (figures and
    headings before it kept), serialised again by lxml, so a cut never leaves a tag open. Markup without paragraphs
    (text with line breaks) gives its first `fallback_words` words as one paragraph. The paywall's teaser."""
    if not clean_html.strip():
        return ""
    try:
        nodes = lxml_html.fragments_fromstring(clean_html)
    except etree.ParserError:
        return ""
    while len(nodes) == 1 and not isinstance(nodes[0], str) and nodes[0].tag in _CONTAINERS:
        nodes = [nodes[0].text or "", *nodes[0]] if (nodes[0].text or "").strip() else list(nodes[0])
    kept: list[str] = []
    found = 0
    for node in nodes:
        if found >= count:
            break
        if isinstance(node, str) or node.tag not in _PARAGRAPHS and node.tag not in {"figure", "h2", "h3", "h4"}:
            continue  # loose text and other elements: only whole paragraphs are shown
        node.tail = None
        kept.append(lxml_html.tostring(node, encoding="unicode"))
        found += node.tag in _PARAGRAPHS and bool(node.text_content().strip())
    if found:
        return "".join(kept)
    words = html_to_text(clean_html).split()
    if not words:
        return ""
    more = "…" if len(words) > fallback_words else ""
    return f"<p>{html.escape(' '.join(words[:fallback_words]))}{more}</p>"
