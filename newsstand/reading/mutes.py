"""What a reader has muted, as one value every personal list applies the same way: a queryset filter (`Mutes.q`)
for lists read from the database and a predicate (`Mutes.hides`, `Mutes.keep`) for lists already in hand.

A muted publisher's articles, and articles that mention a muted keyword or a muted topic's name as whole words
(case-insensitive, in the headline or the summary), are hidden. Where topics are extracted (another app), it tells
reading how to find an article's topics once, at start-up (`use_topic_lookup`), and a muted topic also hides the
articles carrying it. Whole words are matched with one regular expression per list, `(^|\\W)(a|b)(\\W|$)`: the
same text means the same on SQLite (Django's REGEXP, Python's `re`) and on PostgreSQL (`~*`, whose `\\W` is
Python's), so the query and the predicate agree (tests/reading/test_mutes.py checks it on generated data). The
summary is matched as stored (sanitised HTML), so a keyword that is also a tag's name may hide more, never less.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from django.db.models import Q

from newsstand.reading.models import KEYWORD_LENGTH

TopicQuery = Callable[[Collection[str]], Q]  # articles carrying any of these topic slugs
TopicsOf = Callable[[Collection[int]], Mapping[int, Collection[str]]]  # article id -> its topic slugs
_lookup: dict[str, object] = {}


def use_topic_lookup(query: TopicQuery, topics_of: TopicsOf) -> None:
    """How articles' topics are found (called once by the app that extracts them): a filter for the articles that
    carry any of some topics, and the topics of some articles."""
    _lookup["query"], _lookup["topics_of"] = query, topics_of


class BadKeyword(ValueError):
    """A keyword that cannot be muted, with the reason in words."""


def normal_keyword(raw: str) -> str:
    """The keyword as kept and matched: trimmed, inner spaces made single, lower-cased. Raises BadKeyword."""
    keyword = " ".join((raw or "").split()).lower()
    if not keyword:
        raise BadKeyword("Give a word or a phrase to mute.")
    if len(keyword) > KEYWORD_LENGTH:
        raise BadKeyword(f"A muted keyword is at most {KEYWORD_LENGTH} characters.")
    if "\x00" in keyword or not re.search(r"\w", keyword):
        raise BadKeyword("A muted keyword needs at least one letter or digit.")
    return keyword


class _Text(Protocol):
    pk: int | None
    publisher_id: int | None
    title: str
    summary: str


Item = TypeVar("Item", bound=_Text)


@dataclass(frozen=True)
class Mutes:
    """The mutes in force for one reader at one time (expired ones are left out when they are read)."""

    publisher_ids: frozenset[int] = field(default_factory=frozenset)
    topic_slugs: frozenset[str] = field(default_factory=frozenset)
    topic_names: frozenset[str] = field(default_factory=frozenset)
    keywords: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.publisher_ids or self.topic_slugs or self.keywords)

    def state(self) -> tuple:
        """A plain value that changes whenever what is hidden changes (for cache keys)."""
        return (sorted(self.publisher_ids), sorted(self.topic_slugs), sorted(self.words))

    @property
    def words(self) -> frozenset[str]:
        """The keywords and the muted topics' names, lower-cased: hidden where they appear as whole words."""
        return self.keywords | {name.lower() for name in self.topic_names if re.search(r"\w", name)}

    def q(self) -> Q:
        """A filter keeping only what these mutes leave visible (`Article.objects.filter(mutes.q())`)."""
        hidden = Q(pk__in=[])
        if self.publisher_ids:
            hidden |= Q(publisher_id__in=self.publisher_ids)
        if pattern := _pattern(self.words):
            hidden |= Q(title__iregex=pattern) | Q(summary__iregex=pattern)
        if self.topic_slugs and "query" in _lookup:
            hidden |= _lookup["query"](self.topic_slugs)
        return ~hidden if self else Q()

    def hides(self, article: _Text, *, topics: Collection[str] = ()) -> bool:
        """Whether the article is muted (`topics`: its topic slugs, where the caller knows them)."""
        if article.publisher_id in self.publisher_ids or self.topic_slugs.intersection(topics):
            return True
        compiled = _compiled(_pattern(self.words))
        return compiled is not None and any(compiled.search(text or "") for text in (article.title, article.summary))

    def keep(self, articles: Iterable[Item]) -> list[Item]:
        """The articles these mutes leave visible, in their order (their topics read in one lookup, if any)."""
        articles = list(articles)
        if not self:
            return articles
        topics: Mapping[int, Collection[str]] = {}
        if self.topic_slugs and "topics_of" in _lookup:
            topics = _lookup["topics_of"]([a.pk for a in articles if a.pk is not None])
        return [a for a in articles if not self.hides(a, topics=topics.get(a.pk, ()))]


def _pattern(words: Collection[str]) -> str:
    if not words:
        return ""
    return r"(^|\W)(" + "|".join(re.escape(word) for word in sorted(words)) + r")(\W|$)"


_cache: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    if pattern not in _cache:
        if len(_cache) > 1024:
            _cache.clear()
        _cache[pattern] = re.compile(pattern, re.IGNORECASE)
    return _cache[pattern]


def from_rows(rows: Sequence[tuple[str, int | None, str, str, str]]) -> Mutes:
    """Mutes from rows of (kind, publisher id, topic slug, topic name, keyword), all in force."""
    return Mutes(
        publisher_ids=frozenset(pid for kind, pid, _, _, _ in rows if kind == "publisher" and pid is not None),
        topic_slugs=frozenset(slug for kind, _, slug, _, _ in rows if kind == "topic"),
        topic_names=frozenset(name or slug for kind, _, slug, name, _ in rows if kind == "topic"),
        keywords=frozenset(word for kind, _, _, _, word in rows if kind == "keyword"),
    )
