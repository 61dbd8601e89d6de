"""What the index holds for an article: plain text only, built by pure functions from the article's fields.

Snippets are cut from this text and escaped on the way out, so no article HTML can reach a results page; the two
private-use characters that mark matches inside snippets are removed here so article text can never fake one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from newsstand.core.html import html_to_text, plain_text

MAX_BODY_CHARS = 100_000  # PostgreSQL's tsvector is capped at 1 MB; the end of a very long text rarely matters
MATCH_START = "\ue000"
MATCH_END = "\ue001"
_MARKS = str.maketrans("", "", MATCH_START + MATCH_END)


def clean(text: str) -> str:
    # The marks are almost never there: looking costs a scan, translating a copy (80% of building a document).
    if MATCH_START in text or MATCH_END in text:
        return text.translate(_MARKS)
    return text


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


def year_facet(year: int) -> str:
    return f"y{year}"


def month_facet(year: int, month: int) -> str:
    return f"m{year}{month:02d}"


def date_cover(since: datetime | None, until: datetime | None, *, now: datetime) -> list[str] | None:
    """Month and year tokens that together cover [since, until): a date filter FTS5 can intersect with the words,
    so only matches in those months are read to check the exact bounds. None without a lower bound (nothing to
    narrow with); [] when the range is empty."""
    if since is None:
        return None
    end = until or datetime(now.year + 2, 1, 1, tzinfo=now.tzinfo)  # future-dated articles stay in range
    if end <= since:
        return []
    last = end - timedelta(microseconds=1)
    tokens: list[str] = []
    year, month = since.year, since.month
    while (year, month) <= (last.year, last.month):
        if month == 1 and (year, 12) <= (last.year, last.month):
            tokens.append(year_facet(year))
            year += 1
        else:
            tokens.append(month_facet(year, month))
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return tokens


def facets(*, publisher_id: int, section: str, published_at: datetime) -> str:
    """The filter tokens of a document: publisher, section, year and month of publication (UTC)."""
    return " ".join(
        (
            publisher_facet(publisher_id),
            section_facet(section),
            year_facet(published_at.year),
            month_facet(published_at.year, published_at.month),
        )
    )
