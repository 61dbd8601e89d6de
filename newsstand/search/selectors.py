"""Reads for search: one page of ranked results with their teasers, the same for every interface.

A page costs four queries whatever it holds: the count, the page's ids in score order, their snippets and the
articles themselves (publisher joined, bodies left behind, copies counted); PostgreSQL adds one to pin the plan to
its index. An empty query costs none.

Syndicated copies are folded within the page (articles.folding): a copy and its original carry the same words,
rank side by side and so land on the same page, where the original stands for both. Folding before ranking would
cost a lookup of every match's original in the count and the ranking; the price of folding after is a page that
may show fewer than `PAGE_SIZE` results, under a count that includes the copies.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles.folding import folded_away
from newsstand.articles.models import Article
from newsstand.articles.selectors import listed_by_id
from newsstand.core.html import plain_text
from newsstand.search import documents
from newsstand.search.backends import Filters, Snippet, backend_for
from newsstand.search.query import Query, parse_query

PAGE_SIZE = 20
MAX_PAGE = 50  # deeper than anyone reads; OFFSET grows costlier the further it goes
TEASER_CHARS = 240
COUNT_CAP = 10_000  # counting costs a pass over every match; past this the page says "more than"


@dataclass
class Hit:
    article: Article
    snippet: SafeString


@dataclass
class SearchResults:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # there are more than `total` (= COUNT_CAP) matches
    number: int = 1
    per_page: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGE, max(1, math.ceil(self.total / self.per_page)))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def search_articles(
    *,
    q: str,
    now: datetime,
    publisher_id: int | None = None,
    section: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    full_text: bool = False,
) -> SearchResults:
    """Articles matching `q` (reader text, parsed safely) within the filters, best first (see search.ranking).

    A page past the last lands on the last, as the site's other lists do. Only readers who may read full text
    (`full_text`, the paywall's decision) search the whole text and get passages from wherever the words matched;
    everyone else searches only the teaser's words (`articles.teaser`: what they may see) and gets the opening of
    the standfirst, the same teaser the lists show."""
    query = parse_query(q)
    if not query:
        return SearchResults(query=query, per_page=per_page)
    backend = backend_for(connection)
    filters = Filters(publisher_id=publisher_id, section=section or None, since=since, until=until, full_text=full_text)
    with transaction.atomic(savepoint=False):  # a backend may set planner options for these two
        total = backend.count(query=query, filters=filters, now=now, cap=COUNT_CAP + 1)
        results = SearchResults(query=query, total=min(total, COUNT_CAP), more=total > COUNT_CAP, per_page=per_page)
        if not total:
            return results
        results.number = min(max(1, page), results.num_pages)
        ids = backend.rank(query=query, filters=filters, now=now, limit=per_page, offset=results.offset)
    snippets = backend.snippets(query=query, article_ids=ids) if full_text else {}
    found = listed_by_id(ids)
    away = folded_away((pk, found[pk].duplicate_of_id) for pk in ids if pk in found)
    results.hits = [
        Hit(found[pk], teaser_html(snippets.get(pk)) if full_text else opening_html(found[pk].summary, query))
        for pk in ids
        if pk in found and pk not in away
    ]
    return results


def opening_html(summary_html: str, query: Query) -> SafeString:
    """The standfirst's opening (TEASER_CHARS), escaped, with the query's words marked where they begin a word."""
    text = _shorten(" ".join(plain_text(summary_html).split()), TEASER_CHARS) if summary_html else ""
    escaped = html.escape(text, quote=True)
    words = sorted({html.escape(w, quote=True) for w in query.words}, key=len, reverse=True)
    if words:
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
        escaped = pattern.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(escaped)  # noqa: S308 — escaped above; the only markup is our own <mark>


def teaser_html(snippet: Snippet | None) -> SafeString:
    """The teaser for a result: the summary's highlighted passage, else the body's, else the start of either.

    Every character of article text is escaped; the only markup is our own `<mark>`, put where the backend's
    private-use match markers were (they are stripped from the text at indexing, so text cannot forge one)."""
    if snippet is None:
        return mark_safe("")
    if documents.MATCH_START in snippet.summary or not snippet.body:
        raw = snippet.summary
    elif documents.MATCH_START in snippet.body or not snippet.summary:
        raw = snippet.body
    else:
        raw = snippet.summary
    raw = _shorten(" ".join(raw.split()), TEASER_CHARS)
    escaped = html.escape(raw, quote=True)
    marked = escaped.replace(documents.MATCH_START, "<mark>").replace(documents.MATCH_END, "</mark>")
    return mark_safe(_balance(marked))  # noqa: S308 — every byte of article text above went through escape()


def _shorten(text: str, limit: int) -> str:
    """Cut long teasers at a word boundary (ts_headline returns whole fragments; summaries can be long)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def _balance(marked: str) -> str:
    """Close a `<mark>` that shortening cut in two."""
    return marked + "</mark>" if marked.count("<mark>") > marked.count("</mark>") else marked
