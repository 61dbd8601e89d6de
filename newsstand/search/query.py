"""Reader input → a safe search query. A pure function of the text: no database, no exceptions.

What readers type is never passed to the database's query language. It is cut into words (Unicode letters and
digits; everything else — quotes, operators, `*`, `NEAR(`, emoji — separates words) and double-quoted phrases,
and each backend rebuilds its own expression from those words alone. A leading `-` excludes a word or phrase
when there is something left to match. Words are ANDed: every one must appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_TERMS = 12
MAX_WORD_LENGTH = 64
MAX_QUERY_LENGTH = 500

# `"phrase"`, `-"phrase"`, `-word` or `word`; an unbalanced quote runs to the end of the input.
_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """Phrases are tuples of words; a one-word phrase is a word. Empty means "search for nothing"."""

    include: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[tuple[str, ...], ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.include)

    @property
    def words(self) -> list[str]:
        """The words to look for, for the page to repeat back."""
        return [word for phrase in self.include for word in phrase]


def parse_query(text: str) -> Query:
    """Words and phrases from free text. Queries that only exclude are empty: "everything but X" is no search."""
    include: list[tuple[str, ...]] = []
    exclude: list[tuple[str, ...]] = []
    for match in _PART.finditer((text or "")[:MAX_QUERY_LENGTH]):
        quoted_minus, quoted, minus, bare = match.groups()
        excluded = bool(quoted_minus if quoted is not None else minus)
        raw = quoted if quoted is not None else bare
        words = tuple(word[:MAX_WORD_LENGTH] for word in _WORD.findall(raw.lower()))
        if not words:
            continue
        # A bare "covid-19" is the phrase it reads as, as in a quoted one.
        target = exclude if excluded else include
        if words not in target and len(include) + len(exclude) < MAX_TERMS:
            target.append(words)
    return Query(include=tuple(include), exclude=tuple(exclude)) if include else Query()


def fts5_expression(query: Query, *, columns: tuple[str, ...]) -> str:
    """An FTS5 MATCH expression limited to `columns`. Every word is double-quoted and contains only letters and
    digits, so no reader input can be read as FTS5 syntax."""
    positive = " AND ".join(_fts5_phrase(phrase) for phrase in query.include)
    expression = f"{{{' '.join(columns)}}} : ({positive})"
    for phrase in query.exclude:
        expression += f" NOT {{{' '.join(columns)}}} : {_fts5_phrase(phrase)}"
    return expression


def _fts5_phrase(phrase: tuple[str, ...]) -> str:
    return '"' + " ".join(phrase) + '"'
