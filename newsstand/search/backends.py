"""Full-text search behind one door: a small `SearchBackend` protocol, one implementation per database, and
`backend_for(connection)` choosing by `connection.vendor` (as Wagtail does). Everything vendor-specific about
searching — the query language, ranking, snippets — lives here; the index itself is built in migration 0001.

Both backends answer the same three questions for a parsed `Query` and `Filters`: how many articles match,
which ids fill a page in score order (see `search.ranking`), and the highlighted teaser of each id on the page.
Snippets are computed only for the page's rows, never for every match.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.backends.base.base import BaseDatabaseWrapper

from newsstand.search import documents, ranking
from newsstand.search.query import Query, fts5_expression

SNIPPET_TOKENS = 24  # SQLite: tokens per snippet (FTS5 allows up to 64)
HEADLINE_OPTIONS = (
    f"StartSel={documents.MATCH_START}, StopSel={documents.MATCH_END}, MaxWords=30, MinWords=12, ShortWord=2,"
    ' MaxFragments=1, FragmentDelimiter=" … "'
)
HEADLINE_BODY_CHARS = 20_000  # ts_headline re-parses its text; the teaser comes from the top of a long body


@dataclass(frozen=True)
class Filters:
    publisher_id: int | None = None
    section: str | None = None
    since: datetime | None = None  # published at or after
    until: datetime | None = None  # published before
    # Match the whole text (readers with access) or only the teaser's words (everyone else: what they may see, so
    # search cannot confirm a hidden passage word by word). Closed unless the paywall said otherwise.
    full_text: bool = False


@dataclass(frozen=True)
class Snippet:
    """Raw text with MATCH_START/MATCH_END around matches; escaped into HTML by the selector."""

    summary: str
    body: str


class SearchBackend(Protocol):
    vendor: str

    def count(self, *, query: Query, filters: Filters, now: datetime, cap: int) -> int:
        """Matches, counted up to `cap` (a larger number is reported as "more than")."""
        ...

    def rank(self, *, query: Query, filters: Filters, now: datetime, limit: int, offset: int) -> list[int]: ...

    def snippets(self, *, query: Query, article_ids: list[int]) -> dict[int, Snippet]: ...

    def optimize(self) -> None: ...

    def bulk_load(self) -> AbstractContextManager[None]:
        """Around an emptying and refilling of search_document inside one transaction: the database's per-row
        index upkeep is switched off for the fill and the whole index built once at the end."""
        ...


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend:
    """The backend for this database; any other vendor is a configuration error worth stating plainly."""
    if connection.vendor == "sqlite":
        return SQLiteFTS5Backend(connection)
    if connection.vendor == "postgresql":
        return PostgresBackend(connection)
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {connection.vendor!r}.")


def _recency_sql(age_days_sql: str) -> str:
    """ranking.recency_factor in SQL, given an expression for the age in days."""
    return f"(1 + {ranking.RECENCY_BOOST!r} / (1 + {age_days_sql} / {ranking.RECENCY_HALF_LIFE_DAYS!r}))"


class SQLiteFTS5Backend:
    """FTS5 over search_document (external content). Publisher, section and the months of a date range are tokens
    in the `facets` column and so part of the MATCH: FTS5 intersects them with the words instead of testing every
    match. The exact date bounds and the recency boost read search_document by rowid."""

    vendor = "sqlite"
    TEXT_COLUMNS = ("title", "summary", "body", "publisher_name", "author")  # what readers with access search
    TEASER_COLUMNS = ("title", "teaser", "publisher_name", "author")  # what everyone else searches
    FTS_COLUMNS = importlib.import_module("newsstand.search.migrations.0002_teaser").FTS_COLUMNS

    def _columns(self, filters: Filters) -> tuple[str, ...]:
        return self.TEXT_COLUMNS if filters.full_text else self.TEASER_COLUMNS

    def _weights(self, filters: Filters) -> str:
        """bm25 weights for every FTS column, zero for those this reader does not search (so the hidden text cannot
        even reorder results)."""
        searched = self._columns(filters)
        return ", ".join(repr(ranking.COLUMN_WEIGHTS[name] if name in searched else 0.0) for name in self.FTS_COLUMNS)

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def _match(self, query: Query, filters: Filters, *, now: datetime) -> str | None:
        """The MATCH expression, or None when the filters leave nothing to find (an empty date range)."""
        expression = fts5_expression(query, columns=self._columns(filters))
        if filters.publisher_id is not None:
            expression = f'({expression}) AND facets : "{documents.publisher_facet(filters.publisher_id)}"'
        if filters.section:
            expression = f'({expression}) AND facets : "{documents.section_facet(filters.section)}"'
        cover = documents.date_cover(filters.since, filters.until, now=now)
        if cover == []:
            return None
        if cover:
            expression = f"({expression}) AND facets : ({' OR '.join(cover)})"
        return expression

    def _dates(self, filters: Filters) -> tuple[str, list]:
        sql, params = "", []
        adapt = self.connection.ops.adapt_datetimefield_value
        if filters.since is not None:
            sql += " AND d.published_at >= %s"
            params.append(adapt(filters.since))
        if filters.until is not None:
            sql += " AND d.published_at < %s"
            params.append(adapt(filters.until))
        return sql, params

    def count(self, *, query: Query, filters: Filters, now: datetime, cap: int) -> int:
        match = self._match(query, filters, now=now)
        if match is None:
            return 0
        dates, params = self._dates(filters)
        join = " JOIN search_document d ON d.article_id = search_fts.rowid" if dates else ""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_fts{join} WHERE search_fts MATCH %s{dates} LIMIT %s)",
                [match, *params, cap],
            )
            return cursor.fetchone()[0]

    def rank(self, *, query: Query, filters: Filters, now: datetime, limit: int, offset: int) -> list[int]:
        """Scores the newest RANK_WINDOW matches (a rowid range FTS5 seeks to, found by one pass over rowids) by
        relevance alone, then boosts the RESCORE_POOL best of them for recency (see search.ranking). Reading a
        document's date costs as much as its bm25, so only the pool's dates are read; search_document is joined
        for all candidates only when a date filter needs the exact bounds."""
        match = self._match(query, filters, now=now)
        if match is None:
            return []
        dates, params = self._dates(filters)
        weights = self._weights(filters)
        julian_now = now.timestamp() / 86400 + 2440587.5
        join = " JOIN search_document d ON d.article_id = search_fts.rowid" if dates else ""
        window = (
            f"(SELECT search_fts.rowid FROM search_fts{join} WHERE search_fts MATCH %s{dates}"
            " ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET %s)"
        )
        pool = (
            f"SELECT search_fts.rowid AS id, -bm25(search_fts, {weights}) AS relevance FROM search_fts{join}"
            f" WHERE search_fts MATCH %s{dates} AND search_fts.rowid >= coalesce({window}, 0)"
            " ORDER BY relevance DESC LIMIT %s"
        )
        score = f"m.relevance * {_recency_sql('max(0.0, %s - julianday(d.published_at))')}"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.article_id FROM ({pool}) AS m JOIN search_document d ON d.article_id = m.id"
                f" ORDER BY {score} DESC, d.published_at DESC, d.article_id DESC LIMIT %s OFFSET %s",
                [
                    *(match, *params, match, *params, ranking.RANK_WINDOW - 1),
                    max(ranking.RESCORE_POOL, offset + limit),
                    *(julian_now, limit, offset),
                ],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, *, query: Query, article_ids: list[int]) -> dict[int, Snippet]:
        if not article_ids:
            return {}
        marks = (documents.MATCH_START, documents.MATCH_END, "…", SNIPPET_TOKENS)
        columns = {name: index for index, name in enumerate(self.TEXT_COLUMNS)}
        placeholders = ", ".join(["%s"] * len(article_ids))
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, snippet(search_fts, %s, %s, %s, %s, %s), snippet(search_fts, %s, %s, %s, %s, %s)"
                f" FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({placeholders})",
                [columns["summary"], *marks, columns["body"], *marks, fts5_expression(query, columns=self.TEXT_COLUMNS)]
                + article_ids,
            )
            return {pk: Snippet(summary or "", body or "") for pk, summary, body in cursor.fetchall()}

    def optimize(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Without the triggers, a document costs a plain row insert; FTS5's 'rebuild' then reads every row once.
        The triggers are the migration's own statements, put back in the same transaction."""
        triggers = importlib.import_module("newsstand.search.migrations.0002_teaser").SQLITE_FTS[1:]
        with self.connection.cursor() as cursor:
            for name in ("search_document_ai", "search_document_ad", "search_document_au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            for statement in triggers:
                cursor.execute(statement)


class PostgresBackend:
    """A weighted tsvector (generated column, GIN index) on search_document; the filters are plain columns of the
    same table, so the planner can AND the GIN bitmap with their b-tree indexes."""

    vendor = "postgresql"
    CONFIG = "english"
    INDEXES = {"search_document_vector_idx": "vector", "search_document_teaser_vector_idx": "teaser_vector"}

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def _tsquery(self, query: Query) -> tuple[str, list[str]]:
        """`phraseto_tsquery` per word or phrase, ANDed (excluded ones negated): the reader's text is only ever a
        bound parameter to a function that cannot fail on any input."""
        parts = [f"phraseto_tsquery('{self.CONFIG}', %s)" for _ in query.include]
        parts += [f"!! phraseto_tsquery('{self.CONFIG}', %s)" for _ in query.exclude]
        params = [" ".join(phrase) for phrase in (*query.include, *query.exclude)]
        return "(" + " && ".join(parts) + ")", params

    @staticmethod
    def _vector(filters: Filters) -> str:
        """The whole text's tsvector, or the teaser's (title, teaser, publisher and author) for readers without
        access."""
        return "d.vector" if filters.full_text else "d.teaser_vector"

    def _where(self, query: Query, filters: Filters) -> tuple[str, list]:
        tsquery, params = self._tsquery(query)
        sql = f"{self._vector(filters)} @@ {tsquery}"
        if filters.publisher_id is not None:
            sql += " AND d.publisher_id = %s"
            params.append(filters.publisher_id)
        if filters.section:
            sql += " AND d.section = %s"
            params.append(filters.section)
        if filters.since is not None:
            sql += " AND d.published_at >= %s"
            params.append(filters.since)
        if filters.until is not None:
            sql += " AND d.published_at < %s"
            params.append(filters.until)
        return sql, params

    def _use_the_index(self, cursor) -> None:
        """Scan the GIN index, never the table. The planner prices `@@` like a comparison, so for a common word
        under a LIMIT it prefers a sequential or primary-key scan that decompresses every row's tsvector to test
        it (seconds on a large archive); the bitmap from the GIN index needs no vector at all. Scoped to the
        transaction; the selector runs count and rank in one."""
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")

    def count(self, *, query: Query, filters: Filters, now: datetime, cap: int) -> int:
        where, params = self._where(query, filters)
        with self.connection.cursor() as cursor:
            self._use_the_index(cursor)
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_document d WHERE {where} LIMIT %s) AS m", [*params, cap]
            )
            return cursor.fetchone()[0]

    def rank(self, *, query: Query, filters: Filters, now: datetime, limit: int, offset: int) -> list[int]:
        """Scores the newest PG_RANK_WINDOW matches (by id): ranking reads each match's whole tsvector, so it is
        done for a bounded set, chosen from the index without reading the vectors."""
        where, params = self._where(query, filters)
        tsquery, query_params = self._tsquery(query)
        weights = "{" + ",".join(repr(w) for w in ranking.PG_CLASS_WEIGHTS) + "}"
        age = "greatest(0.0, extract(epoch from (%s - d.published_at)) / 86400.0)"
        score = f"ts_rank_cd('{weights}', {self._vector(filters)}, {tsquery}, 1) * {_recency_sql(age)}"
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.article_id FROM search_document d WHERE d.article_id IN ("
                f"SELECT d.article_id FROM search_document d WHERE {where} ORDER BY d.article_id DESC LIMIT %s)"
                f" ORDER BY {score} DESC, d.published_at DESC, d.article_id DESC LIMIT %s OFFSET %s",
                [*params, ranking.PG_RANK_WINDOW, *query_params, now, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, *, query: Query, article_ids: list[int]) -> dict[int, Snippet]:
        if not article_ids:
            return {}
        tsquery, params = self._tsquery(query)
        config = f"'{self.CONFIG}'"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.article_id, ts_headline({config}, d.summary, q.query, %s),"
                f" ts_headline({config}, left(d.body, %s), q.query, %s)"
                f" FROM search_document d, (SELECT {tsquery} AS query) q WHERE d.article_id = ANY(%s)",
                [HEADLINE_OPTIONS, HEADLINE_BODY_CHARS, HEADLINE_OPTIONS, *params, list(article_ids)],
            )
            return {pk: Snippet(summary or "", body or "") for pk, summary, body in cursor.fetchall()}

    def optimize(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """The GIN index is dropped for the fill and built once from all the vectors (far cheaper than inserting
        into it row by row); searches wait on the table lock until the transaction commits."""
        with self.connection.cursor() as cursor:
            for name in self.INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        yield
        with self.connection.cursor() as cursor:
            for name, column in self.INDEXES.items():
                cursor.execute(f"CREATE INDEX {name} ON search_document USING GIN ({column})")
