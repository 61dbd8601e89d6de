"""Small HTML-to-text helpers shared by the pipeline, the search index and the templates.

They never trust their input: every function first lets nh3 (html5ever) re-parse the markup, so the regular
expressions below only ever see its canonical serialisation (tags as `<name attr="value">`, `<` `>` `&` `"`
escaped in text and attribute values) and cannot be fooled by comments, CDATA or broken markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import nh3
from django.utils.safestring import SafeString
from lxml import etree
from lxml import html as lxml_html


class CleanHtml(SafeString):
    """HTML that is trusted: made by the sanitize stage (ingest.stages.sanitize), or read back from a column that
    only ever stores its output (articles.models.CleanHtmlField), or cut from either by a step that only removes
    (articles.teaser). Templates render it as it is (a SafeString); a plain `str` of HTML is escaped. Constructing one
    elsewhere vouches for markup that nothing checked: `grep -rn "CleanHtml("` lists every place that does."""

    __slots__ = ()


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


_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"((?:[^,(]|\([^)]*\))*),?")


def srcset_candidates(value: str) -> Iterator[tuple[str, str]]:
    """(URL, descriptor) for each image candidate of a `srcset`, parsed as the HTML spec does: a URL runs to the
    next whitespace (it may contain commas; trailing commas end the candidate), then the descriptor ("640w",
    "2x", or "") runs to the next comma outside parentheses. URLs are returned as written, unresolved."""
    position = 0
    while match := _SRCSET_URL.match(value, position):
        url, position = match.group(1), match.end()
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            descriptors = _SRCSET_DESCRIPTORS.match(value, position)
            assert descriptors is not None  # the pattern matches the empty string
            descriptor, position = descriptors.group(1).strip(), descriptors.end()
        if url:
            yield url, descriptor


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


def plain_text(markup: str) -> str:
    """One line of plain text from a title, an author, a caption or a summary: tags stripped, entities decoded,
    whitespace collapsed. Feeds put `<b>`, `&amp;amp;` and newlines in titles; readers should see none of it. Blocks
    and line breaks part words (`<li>a</li><li>b</li>` is "a b", never "ab": the teaser counts words)."""
    if not markup:
        return ""
    if "<" in markup:
        return " ".join(html_to_text(markup).split())
    if "&" in markup:
        markup = html.unescape(markup)
    return " ".join(markup.split())


def word_count(text: str) -> int:
    """Words in plain text, as readers count them (whitespace-separated; CJK text counts low)."""
    return len(text.split())


def first_words(text: str, limit: int) -> str:
    """The first `limit` words of plain text, with an ellipsis when there were more."""
    words = text.split()
    if len(words) <= limit:
        return " ".join(words)
    return " ".join(words[:limit]).rstrip(" ,;:.-") + "…"


# A figure and what stands for one counts once against the figure budget (an <img> inside a counted <figure> is free).
_MEDIA = frozenset({"figure", "img", "picture"})
_TEXT_ATTRIBUTES = ("alt", "title")  # attribute text that readers see (tooltips) or hear (screen readers)
_WORD = re.compile(r"\S+")


class _Budget:
    """Words and figures left while `cut_to_budget` walks a tree; `spent` once the words ran out."""

    def __init__(self, words: int, figures: int) -> None:
        self.words, self.figures, self.spent = words, figures, words <= 0

    def take_whole(self, text: str) -> bool:
        """Pay for all of `text` or for none of it (attribute text: half an alt text would still say too much)."""
        count = len(text.split())
        if self.spent or count > self.words:
            return False
        self.words -= count
        self.spent = not self.words
        return True

    def take(self, text: str | None) -> str | None:
        """The part of `text` the budget allows (cut after the last word it can pay for, with an ellipsis)."""
        if not text or self.spent:
            return None if self.spent else text
        words = list(_WORD.finditer(text))
        if len(words) <= self.words:
            self.words -= len(words)
            self.spent = not self.words  # nothing more fits: what follows is dropped, not kept as empty elements
            return text
        self.spent = True
        if not self.words:
            return None
        return text[: words[self.words - 1].end()].rstrip(" ,;:.-") + "…"


def cut_to_budget(
    clean_html: str, *, words: int, figures: int, share: float = 1.0, before: int = 0, shown_before: int = 0
) -> str:
    """The opening of already-sanitised HTML that holds at most `words` visible words and `figures` figures, whatever
    its structure: text is counted wherever it sits (paragraphs, `<br>`-separated lines, tables, lists, quotes,
    headings, alt and title attributes), and the cut may fall inside any element. Everything after it is dropped;
    lxml serialises what is kept, so no tag is left open. At most `share` of all its words are kept, so that a short
    text is never given away whole; when `before` words of the same text come ahead of it (a standfirst), the share
    is of both, less the `shown_before` of them the reader saw. The paywall's teaser (see `articles.teaser`)."""
    if not clean_html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(clean_html, create_parent="div")
    except etree.ParserError:
        return ""
    if share < 1.0:
        words = max(0, min(words, int((_visible_words(root) + before) * share) - shown_before))
    budget = _Budget(words, figures)
    _cut_element(root, budget, in_figure=False)
    kept = html.escape(root.text or "", quote=False)
    return kept + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def _visible_words(root: etree._Element) -> int:
    """Words of text and of the attributes readers see, everywhere under `root`."""
    count = 0
    for element in root.iter():
        if isinstance(element.tag, str):
            count += len((element.text or "").split()) + sum(len(element.get(n, "").split()) for n in _TEXT_ATTRIBUTES)
        count += len((element.tail or "").split()) if element is not root else 0
    return count


def _cut_element(element: etree._Element, budget: _Budget, *, in_figure: bool) -> None:
    for name in _TEXT_ATTRIBUTES:
        value = element.get(name)
        if value is not None and not budget.take_whole(value):
            del element.attrib[name]
    element.text = budget.take(element.text)
    for child in list(element):
        counted = isinstance(child.tag, str) and child.tag in _MEDIA and not in_figure
        # Comments and processing instructions are never shown; a figure past the budget goes, the text after it
        # stays (and is counted); past the last word everything goes.
        if budget.spent or not isinstance(child.tag, str) or (counted and budget.figures <= 0):
            _remove(element, child, tail=budget.take(child.tail))
            continue
        if counted:
            budget.figures -= 1
        _cut_element(child, budget, in_figure=in_figure or counted)
        child.tail = budget.take(child.tail)


def _remove(parent: etree._Element, child: etree._Element, *, tail: str | None) -> None:
    """Remove `child`, leaving `tail` (what the budget allowed of the text after it) where that text was."""
    previous = child.getprevious()
    parent.remove(child)
    if not tail:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
