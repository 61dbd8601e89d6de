"""Repeats: what the article page already shows, taken out of the body (the last step of sanitize).

The page shows the title, the standfirst (the summary), the lead image with its caption, then the body.
Publishers' bodies often open with the same things again. These rules take them out, on sanitize's canonical
output, and are applied until none applies (so a second run changes nothing):

1. **The headline.** A heading in the body's opening (before its first paragraph of KICKER_WORDS words or more:
   a label such as "Review" or a byline may come first) whose words are the
   title's, the title's without its site name ("Headline | Site", "Site - Headline"), or the standfirst's.
2. **The lead image.** The body's first picture (a figure, a lone `<img>` or `<picture>`) when it shows the lead
   image (`same_image`: one URL once sizes, formats and image proxies are taken off, or one of its srcset
   candidates). Its caption and credit become the lead image's when those are empty or say less; when each
   caption says something the other does not, the figure stays.
3. **The standfirst made of the opening paragraphs.** When the summary is a copy of the body's opening text,
   whole or cut short ("…", mid-word, part way into a paragraph), from the top, after a dateline
   ("WASHINGTON (AP) —") or a sentence or paragraph in (starting within the first paragraph or the first
   STANDFIRST_MAX_WORDS words), the paragraphs it runs to the end of leave the body and become the summary (a
   copy that stops inside the first paragraph is completed with it): the page shows those words once, as the
   standfirst, whole and in the body's order. A summary that copies much of the article (over
   STANDFIRST_MAX_WORDS, or all of it) takes only the opening paragraph. A copy inside a long first paragraph, or
   of a one-paragraph body, is dropped instead: the body keeps the words.

   The summary is kept rather than dropped because it is the article's standfirst everywhere else: lists, share
   cards, story leads and search's weightier summary column. The paywall's teaser (articles.teaser) counts the
   standfirst in its share of the article, so a non-member sees no more of it than before, only no word twice.

Nothing else is taken out: every removed block is a repeat, and every word of the summary (but a "Read more"
link) stays on the page.
Words are compared as NFKC case-folded `\\w+` runs of the unescaped text, so case, whitespace, punctuation and
entities do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import unescape
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

__all__ = ["Shown", "drop_repeats", "repeats_in", "same_image", "image_key", "words"]


@dataclass(frozen=True, slots=True)
class Shown:
    """What the article page shows of an article, from sanitize's output (title and caption plain text)."""

    title: str
    summary_html: str
    body_html: str
    lead_image_url: str = ""
    lead_image_caption: str = ""
    lead_image_credit: str = ""


# A summary shorter than this is a copy only when it is whole paragraphs: fewer words match too easily.
MIN_COPY_WORDS = 8
# The most words of opening paragraphs that become the standfirst, and where a copy may start: in the first
# paragraph or within this many words. A copy cut short inside a first paragraph longer than this (and than twice
# the copy) is dropped rather than completed: that paragraph is no standfirst.
STANDFIRST_MAX_WORDS = 80
# Shorter paragraphs before a heading are labels or bylines ("Analysis", "Staff reports"): still the opening.
KICKER_WORDS = 4
# "Read more" links that feeds append to a summary cut short, in the languages of our publishers.
READ_MORE = (("continue", "reading"), ("read", "more"), ("continue", "lendo"), ("leia", "mais"), ("weiterlesen",),
             ("lire", "la", "suite"), ("leer", "más"), ("seguir", "leyendo"))  # fmt: skip
# What separates a headline from the site's name in a page title.
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " // ")
# Query parameters that resize, reformat or cache-bust an image without changing which image it is.
SIZE_PARAMS = frozenset(
    {
        "w", "h", "width", "height", "resize", "fit", "crop", "quality", "q", "strip", "auto", "format", "fm",
        "dpr", "s", "sz", "size", "imwidth", "imheight", "ts", "v", "ver", "itok", "mode", "scale", "enable",
        "overlay-align", "overlay-width", "overlay-base64", "output-quality", "output-format", "impolicy",
    }
)  # fmt: skip

_WORD = re.compile(r"\w+")
# sanitize's output only: tags are `<name attr="value">` with `"` `<` `>` `&` escaped; void elements have no `/`.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z-]+="[^"]*")*)>')
_ANY_TAG = re.compile(r"<[^>]*>")
_TEXT = re.compile(r"(?:^|>)([^<]+)")
_VOID = frozenset({"br", "hr", "img", "source", "col", "wbr"})
_BLOCKS = frozenset(
    {"p", "div", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "figure", "table", "pre", "hr"}
)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_IMG = re.compile(r"<img((?: [a-z-]+=\"[^\"]*\")*)>")
_ATTRIBUTE = re.compile(r' ([a-z-]+)="([^"]*)"')
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)
_SMALL = re.compile(r"<small>(.*?)</small>", re.DOTALL)
# A path segment that names a host: an image proxy or resizer serving another host's file from its own path.
_HOST_SEGMENT = re.compile(r"/((?:[a-z0-9-]+\.)+[a-z]{2,})(/.+)$")
_SIZE_SEGMENT = re.compile(r"\d+x\d+|[swh]\d+(?:-[a-z0-9]+)*")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")


def words(text_or_html: str) -> list[str]:
    """The words of markup or text: tags dropped, entities decoded, NFKC case-folded, punctuation ignored."""
    text = unescape(_ANY_TAG.sub(" ", text_or_html)) if "<" in text_or_html or "&" in text_or_html else text_or_html
    return _WORD.findall((text if text.isascii() else unicodedata.normalize("NFKC", text)).casefold())


def _has_words(markup: str) -> bool:
    """Does the markup hold a word? Stops at the first (`words` reads the whole body)."""
    return any(_WORD.search(unescape(text)) for text in (found.group(1) for found in _TEXT.finditer(markup)))


def image_key(url: str) -> str:
    """Which image a URL shows: host and path, without scheme, `www.`, fragment, size and format parameters,
    size variants in the path (`-1200x800.jpg`, `/1200x0/`, `/w1200-h630/`), or the proxy in front of it
    (`thumbor/600x315/https%3A…`, `resizer/…/smart/other-host/…`)."""
    url = unquote(unescape(url.strip()))
    inner = max(url.rfind("https://"), url.rfind("http://"))
    if inner > 0:  # a proxy: the image is the URL it wraps
        url = url[inner:]
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return url
    path = parts.path.lower()
    if wrapped := _HOST_SEGMENT.search(path):
        host, path = wrapped.group(1), wrapped.group(2)
    segments = [segment for segment in path.split("/") if segment and not _SIZE_SEGMENT.fullmatch(segment)]
    if segments:
        segments[-1] = _SIZE_SUFFIX.sub("", segments[-1])
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SIZE_PARAMS)
    return f"{host}/{'/'.join(segments)}" + (f"?{urlencode(query)}" if query else "")


def same_image(a: str, b: str) -> bool:
    return bool(a and b) and image_key(a) == image_key(b)


@dataclass(frozen=True, slots=True)
class _Block:
    """A top-level piece of the body: an element, or a run of text and inline elements."""

    kind: str  # "heading", "picture", "paragraph" or "other"
    start: int
    end: int


def _blocks(html: str) -> Iterator[_Block]:
    """The body's top-level blocks in order, parsed lazily: the rules read only the opening and the first
    picture."""
    depth = 0
    start = run = -1  # where the open top-level element / the current run of text and inline elements began
    name = ""
    position = 0
    for match in _TAG.finditer(html):
        closing, tag = match.group(1), match.group(2)
        if depth == 0:
            if run < 0 and html[position : match.start()].strip():
                run = _skip_space(html, position)
            if not closing and tag in _BLOCKS:
                if run >= 0:
                    yield _block(html, "", run, len(html[: match.start()].rstrip()))
                    run = -1
                if tag in _VOID:
                    yield _Block("other", match.start(), match.end())
                else:
                    start, name, depth = match.start(), tag, 1
            elif run < 0:
                run = match.start()
        elif tag not in _VOID:
            depth += -1 if closing else 1
            if depth == 0:
                yield _block(html, name, start, match.end())
        position = match.end()
    if depth == 0:
        if run < 0 and html[position:].strip():
            run = _skip_space(html, position)
        if run >= 0:
            yield _block(html, "", run, len(html.rstrip()))


def _skip_space(html: str, position: int) -> int:
    return len(html) - len(html[position:].lstrip())


def _block(html: str, tag: str, start: int, end: int) -> _Block:
    markup = html[start:end]
    if tag in _HEADINGS:
        return _Block("heading", start, end)
    if tag in ("", "p", "div", "figure") and markup.count("<img") == 1 and not _text_outside_caption(markup):
        return _Block("picture", start, end)
    if tag in ("", "p"):
        return _Block("paragraph", start, end) if _has_words(markup) else _Block("other", start, end)
    return _Block("other", start, end)


def _text_outside_caption(markup: str) -> bool:
    return bool(_ANY_TAG.sub("", _FIGCAPTION.sub("", markup)).strip())


def _phrase(items: list[str]) -> str:
    return f" {' '.join(items)} "


def _says(container: str, part: str) -> bool:
    """Does the text `container` say everything `part` says, as one run of words?"""
    return _phrase(words(part)) in _phrase(words(container)) or not words(part)


def _title_variants(title: str) -> list[list[str]]:
    variants = [title]
    for separator in TITLE_SEPARATORS:
        if separator in title:
            variants += [title.rsplit(separator, 1)[0], title.split(separator, 1)[1]]
    return [found for found in (words(variant) for variant in variants) if found]


def _without(html: str, *blocks: _Block) -> str:
    """The body without `blocks`, and without the space that followed each (sanitize's layout kept)."""
    kept, position = [], 0
    for block in sorted(blocks, key=lambda b: b.start):
        kept.append(html[position : block.start])
        position = _skip_space(html, block.end)
    kept.append(html[position:])
    return "".join(kept).strip()


def _drop_headlines(shown: Shown) -> Shown | None:
    """Rule 1: headings in the opening that repeat the title or the standfirst."""
    repeats = [found for found in (*_title_variants(shown.title), words(shown.summary_html)) if found]
    dropped = []
    for block in _blocks(shown.body_html):
        said = words(shown.body_html[block.start : block.end])
        if block.kind == "heading" and said in repeats:
            dropped.append(block)
        elif block.kind == "other" or (block.kind == "paragraph" and len(said) >= KICKER_WORDS):
            break
    return replace(shown, body_html=_without(shown.body_html, *dropped)) if dropped else None


def _drop_lead_image(shown: Shown) -> Shown | None:
    """Rule 2: the first picture, when it is the lead image and says nothing the lead caption will not."""
    if not shown.lead_image_url or "<img" not in shown.body_html:
        return None
    first = next(
        (b for b in _blocks(shown.body_html) if "<img" in shown.body_html[b.start : b.end]), None
    )  # fmt: skip
    if first is None or first.kind != "picture":
        return None
    markup = shown.body_html[first.start : first.end]
    attributes = dict(_ATTRIBUTE.findall(_IMG.search(markup).group(1)))  # type: ignore[union-attr]
    candidates = [attributes.get("src", "")] + [c.split()[0] for c in attributes.get("srcset", "").split(", ") if c]
    if not any(same_image(unescape(candidate), shown.lead_image_url) for candidate in candidates):
        return None
    caption_html = _inside(_FIGCAPTION, markup)
    credit, caption = _text(_inside(_SMALL, caption_html)), _text(_SMALL.sub(" ", caption_html))
    lead_caption, lead_credit = shown.lead_image_caption, shown.lead_image_credit
    if not _says(lead_caption, caption):
        if not _says(caption, lead_caption):
            return None  # two different captions of one picture: both stay
        lead_caption = caption
    if not _says(f"{lead_caption} {lead_credit}", credit):
        if lead_credit:
            return None
        lead_credit = credit
    body = _without(shown.body_html, first)
    return replace(shown, body_html=body, lead_image_caption=lead_caption, lead_image_credit=lead_credit)


def _inside(pattern: re.Pattern[str], markup: str) -> str:
    found = pattern.search(markup)
    return found.group(1) if found else ""


def _text(markup: str) -> str:
    return " ".join(unescape(_ANY_TAG.sub(" ", markup)).split())


def _drop_standfirst(shown: Shown) -> Shown | None:
    """Rule 3: the opening paragraphs that the summary copies become the summary, or the copy goes."""
    summary = _without_read_more(words(shown.summary_html))
    if not summary or not shown.body_html:
        return None
    body = shown.body_html
    opening, opening_words, ends = _opening(body, wanted=STANDFIRST_MAX_WORDS + len(summary))
    if not opening:
        return None
    window = max([ends[0], *(paragraph_end for paragraph_end in ends if paragraph_end <= STANDFIRST_MAX_WORDS)])
    offset = _copy_offset(summary, opening_words, starts=window)
    if offset is None:
        return None
    end = offset + len(summary)
    exact = offset == 0 and end in ends and summary[-1] == opening_words[end - 1]
    if not exact and len(summary) < MIN_COPY_WORDS:
        return None
    first = next(i for i, paragraph_end in enumerate(ends) if paragraph_end > offset)
    last = next(i for i, paragraph_end in enumerate(ends) if paragraph_end >= end)
    if ends[last] > end and last > first:
        count = last  # the paragraphs the copy runs to the end of; its words from the next one stay in the body
    else:
        count = last + 1  # through the paragraph it ends in, completed when it stops inside it
        if ends[last] > end and ends[last] > max(2 * len(summary), STANDFIRST_MAX_WORDS):
            return replace(shown, summary_html="")  # a few words of a long opening paragraph: no standfirst
    if count > 1 and (ends[count - 1] > STANDFIRST_MAX_WORDS or not _has_words(_without(body, *opening[:count]))):
        # A summary that copies much of the article: the opening paragraph is the standfirst (with the next
        # ones while they are a dateline or a byline short of MIN_COPY_WORDS); the rest stays in the body.
        count = next(i for i, paragraph_end in enumerate(ends, 1) if paragraph_end >= MIN_COPY_WORDS or i == count)
    rest = _without(body, *opening[:count])
    if not _has_words(rest):
        return replace(shown, summary_html="")
    # A run of bare text becomes a paragraph, as it shows in the body; "\n" keeps a space between paragraphs
    # in the standfirst's plain text.
    markups = (body[block.start : block.end] for block in opening[:count])
    summary_html = "\n".join(m if m.startswith("<p>") else f"<p>{m}</p>" for m in markups)
    return replace(shown, summary_html=summary_html, body_html=rest)


def _without_read_more(summary: list[str]) -> list[str]:
    for link in READ_MORE:
        if tuple(summary[-len(link) :]) == link:
            return summary[: -len(link)]
    return summary


def _opening(body: str, *, wanted: int) -> tuple[list[_Block], list[str], list[int]]:
    """The body's opening paragraphs (after any leading headings and pictures), until `wanted` words: the
    blocks, their words, and the word count at the end of each."""
    opening: list[_Block] = []
    opening_words: list[str] = []
    ends: list[int] = []
    for block in _blocks(body):
        if block.kind == "paragraph":
            opening.append(block)
            opening_words += words(body[block.start : block.end])
            ends.append(len(opening_words))
            if len(opening_words) >= wanted:
                break
        elif opening or block.kind not in ("heading", "picture"):
            break
    return opening, opening_words, ends


def _copy_offset(summary: list[str], opening: list[str], *, starts: int) -> int | None:
    """Where the summary starts as a copy of the opening's words (its last word may be cut short), if it starts
    at one of the first `starts` words: at the top, after a dateline ("WASHINGTON (AP) —"), or a sentence or a
    paragraph in."""
    last = len(summary) - 1
    for offset in range(min(starts, len(opening) - last)):
        if (
            opening[offset + last].startswith(summary[last])
            and opening[offset : offset + last] == summary[:last]
        ):  # fmt: skip
            return offset
    return None


_RULES = (_drop_headlines, _drop_lead_image, _drop_standfirst)


def drop_repeats(shown: Shown) -> Shown:
    """`shown` without the repeats of rules 1–3, applied until none applies."""
    changed = True
    while changed:
        changed = False
        for rule in _RULES:
            if (after := rule(shown)) is not None:
                shown, changed = after, True
    return shown


def repeats_in(shown: Shown) -> list[str]:
    """The rules that would take something out of `shown` (for the bench and tests)."""
    return [rule.__name__.removeprefix("_drop_") for rule in _RULES if rule(shown) is not None]
