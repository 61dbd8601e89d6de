"""The rows of unread entries (models.UnreadEntry): their definition, in one statement, and its upkeep.

An article is one of the reader's unread entries when a feed they subscribe to sighted it and either they marked
it unread (ReadState read=False), or they did not mark it read and it was published on or after `unread_since`
(the backlog's edge) of their subscription to at least one of the feeds that sighted it. Its row is listed under
the lowest-numbered of those subscribed feeds, whatever its eligibility came from, as selectors list entries.

`refresh` writes that definition for the (reader, article) pairs a change can touch: it groups the readers'
subscribed sightings of those articles (one INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE, the same on SQLite
and PostgreSQL) and upserts the rows that qualify, with their listing feed and publication time recomputed; rows
that no longer qualify are removed by the caller, which knows which ones can (after an unsubscribe: those listed
under the feed left; after a read mark: those marked). Each change costs statements proportional to what it
touches, never to the reader's whole list: subscribing, the feed's sightings; a mark, the marked articles; a
feed's new articles (the store stage's signal), those articles times the feed's subscribers.

Eligibility is decided when a row is written: an article whose publication time the feed later moves across the
backlog's edge keeps the state it had (its row's `published_at` follows the article, for ordering).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from newsstand.articles.models import Article, ArticleFeed
from newsstand.subscriptions.models import ReadState, Subscription, UnreadEntry

_CHUNK = 500  # ids per statement: well inside SQLite's and PostgreSQL's parameter limits


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def refresh(scope: str, params: Sequence[object]) -> int:
    """Upsert the unread rows the definition gives for the subscriptions `s` and sightings `af` that `scope` (an
    SQL condition over `s` and `af`) keeps. The scope must keep every subscribed sighting of an article it keeps
    for a reader (scope by reader and by article, never by feed), or the listing feed comes out wrong."""
    unread, subs, sightings = _table(UnreadEntry), _table(Subscription), _table(ArticleFeed)
    articles, marks = _table(Article), _table(ReadState)
    read = _q("read")
    sql = (
        f"INSERT INTO {unread} ({_q('user_id')}, {_q('article_id')}, {_q('feed_id')}, {_q('published_at')})"
        f" SELECT s.{_q('user_id')}, af.{_q('article_id')}, MIN(af.{_q('feed_id')}), a.{_q('published_at')}"
        f" FROM {subs} s"
        f" JOIN {sightings} af ON af.{_q('feed_id')} = s.{_q('feed_id')}"
        f" JOIN {articles} a ON a.{_q('id')} = af.{_q('article_id')}"
        f" LEFT JOIN {marks} r ON r.{_q('user_id')} = s.{_q('user_id')} AND r.{_q('article_id')} = af.{_q('article_id')}"
        f" WHERE {scope}"
        f" GROUP BY s.{_q('user_id')}, af.{_q('article_id')}, a.{_q('published_at')}, r.{read}"
        f" HAVING (r.{read} IS NULL AND MAX(CASE WHEN a.{_q('published_at')} >= s.{_q('unread_since')}"
        f" THEN 1 ELSE 0 END) = 1) OR r.{read} = %s"
        f" ON CONFLICT ({_q('user_id')}, {_q('article_id')}) DO UPDATE SET {_q('feed_id')} = excluded.{_q('feed_id')},"
        f" {_q('published_at')} = excluded.{_q('published_at')}"
        # A row already right is left alone (PostgreSQL writes a new version of every row an upsert updates).
        f" WHERE {unread}.{_q('feed_id')} <> excluded.{_q('feed_id')}"
        f" OR {unread}.{_q('published_at')} <> excluded.{_q('published_at')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, False])
        return max(cursor.rowcount, 0)


def _ids(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def subscribed(user_id: int, feed_id: int) -> None:
    """The reader now subscribes to the feed: its articles' rows (new ones, and those now listed under it)."""
    sightings = _table(ArticleFeed)
    refresh(
        f"s.{_q('user_id')} = %s AND af.{_q('article_id')} IN"
        f" (SELECT {_q('article_id')} FROM {sightings} WHERE {_q('feed_id')} = %s)",
        [user_id, feed_id],
    )


def unsubscribed(user_id: int, feed_id: int) -> None:
    """The reader's subscription to the feed is gone: the rows of the articles it sighted are written again from
    the subscriptions left (listed under the next subscribed feed, unread if still recent enough for one of
    theirs or marked unread), or go."""
    touched = list(
        UnreadEntry.objects.filter(
            user_id=user_id, article_id__in=ArticleFeed.objects.filter(feed_id=feed_id).values("article_id")
        ).values_list("article_id", flat=True)
    )
    for start in range(0, len(touched), _CHUNK):
        chunk = touched[start : start + _CHUNK]
        UnreadEntry.objects.filter(user_id=user_id, article_id__in=chunk).delete()
        refresh(f"s.{_q('user_id')} = %s AND af.{_q('article_id')} IN ({_ids(chunk)})", [user_id, *chunk])


def marked_unread(user_id: int, article_ids: Sequence[int]) -> None:
    """The reader marked these articles unread (ReadState rows written first): their rows."""
    for start in range(0, len(article_ids), _CHUNK):
        chunk = list(article_ids[start : start + _CHUNK])
        refresh(f"s.{_q('user_id')} = %s AND af.{_q('article_id')} IN ({_ids(chunk)})", [user_id, *chunk])


def delivered(feed_id: int, article_ids: Sequence[int]) -> None:
    """The feed sighted these articles for the first time: rows for its subscribers (and, for an article another
    of their feeds sighted first, its listing feed recomputed)."""
    subs = _table(Subscription)
    for start in range(0, len(article_ids), _CHUNK):
        chunk = list(article_ids[start : start + _CHUNK])
        refresh(
            f"s.{_q('user_id')} IN (SELECT {_q('user_id')} FROM {subs} WHERE {_q('feed_id')} = %s)"
            f" AND af.{_q('article_id')} IN ({_ids(chunk)})",
            [feed_id, *chunk],
        )


def redated(article_ids: Sequence[int]) -> None:
    """These articles were rewritten (their publication time may have moved): their rows follow, for order."""
    unread, articles = _table(UnreadEntry), _table(Article)
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), _CHUNK):
            chunk = list(article_ids[start : start + _CHUNK])
            moved = (
                f"(SELECT a.{_q('published_at')} FROM {articles} a WHERE a.{_q('id')} = {unread}.{_q('article_id')})"
            )
            cursor.execute(
                f"UPDATE {unread} SET {_q('published_at')} = {moved}"
                f" WHERE {_q('article_id')} IN ({_ids(chunk)}) AND {_q('published_at')} <> {moved}",
                chunk,
            )


def mark_read(user_id: int, condition: str, params: Sequence[object], *, now: datetime) -> int:
    """Mark read the reader's unread entries whose rows `condition` (SQL over the unread table's columns) keeps:
    their rows go and each gets a read mark. Returns how many. The marks are written for exactly the rows taken
    away, so a row a concurrent delivery adds meanwhile stays, unread (the reader has not seen it): on PostgreSQL
    in one statement (the deleted rows feed the marks' INSERT); SQLite runs one writer at a time, so the same
    condition chooses the same rows in two."""
    unread, marks = _table(UnreadEntry), _table(ReadState)
    read, user, article, changed = _q("read"), _q("user_id"), _q("article_id"), _q("changed_at")
    stamp = connection.ops.adapt_datetimefield_value(now)
    chosen = f"FROM {unread} WHERE {user} = %s AND {condition}"
    insert = f"INSERT INTO {marks} ({user}, {article}, {read}, {changed}) SELECT {user}, {article}, %s, %s"
    # The WHERE before ON CONFLICT keeps SQLite from reading it as part of the SELECT (its upsert ambiguity).
    upsert = f"ON CONFLICT ({user}, {article}) DO UPDATE SET {read} = excluded.{read}, {changed} = excluded.{changed}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE {chosen} RETURNING {user}, {article}) {insert} FROM gone WHERE true {upsert}",
                [user_id, *params, True, stamp],
            )
            return max(cursor.rowcount, 0)
        cursor.execute(f"{insert} {chosen} {upsert}", [True, stamp, user_id, *params])
        cursor.execute(f"DELETE {chosen}", [user_id, *params])
        return max(cursor.rowcount, 0)


def rebuild(user_id: int) -> None:
    """The reader's rows made again from the definition (the migration's fill, and tests' check of the upkeep)."""
    UnreadEntry.objects.filter(user_id=user_id).delete()
    refresh(f"s.{_q('user_id')} = %s", [user_id])
