"""What the index holds for an article: plain text only, built by pure functions from the article's fields.

Snippets are cut from this text and escaped on the way out, so no article HTML can reach a results page; the two
private-use characters that mark matches inside snippets are removed here so article text can never fake one.
"""

from __future__ import annotations

import hashlib

from newsstand.core.html import html_to_text, plain_text

MAX_BODY_CHARS = 100_000  # PostgreSQL's tsvector is capped at 1 MB; the end of a very long text rarely matters
MATCH_START = "\ue000"
MATCH_END = "\ue001"
_MARKS = str.maketrans("", "", MATCH_START + MATCH_END)


def clean(text: str) -> str:
    return text.translate(_MARKS)


def summary_text(summary_html: str) -> str:
    return clean(" ".join(html_to_text(summary_html).split()))


def body_text(text: str) -> str:
    return clean(text[:MAX_BODY_CHARS])


def line_text(value: str) -> str:
    return clean(plain_text(value))


def publisher_facet(publisher_id: int) -> str:
    return f"p{publisher_id}"


def section_facet(section: str) -> str:
    """A token for the section: digits after a letter, so no tokenizer or stemmer splits or changes it."""
    return f"s{int(hashlib.blake2b(section.encode(), digest_size=6).hexdigest(), 16)}"


def facets(*, publisher_id: int, section: str) -> str:
    return f"{publisher_facet(publisher_id)} {section_facet(section)}"
