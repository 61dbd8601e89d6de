"""Store: the only stage that writes. Articles are upserted by identity, linked to every feed that carries them,
and the feed's fetch state and its next fetch (decided by the schedule stage) are recorded — all idempotent, so a
crawler killed at any point and a second crawler racing for the same syndicated article leave exactly one row.
What follows a write (the search index, story assignment) is the pipeline's (ingest.pipeline.store_batch).

Per feed this costs a constant number of queries (bulk insert, select ids, bulk update and the
rewritten articles' times copied to their sightings, the new and rewritten articles' topics (topics.services:
up to four statements), bulk link (each sighting copying its article's publication
time), for a catalogue feed the update that makes public what only private sources had sighted (matching nothing
almost always), what the feed's subscribers are delivered (articles.signals.sightings_stored: one or two statements
for a feed nobody subscribes to), feed update, and the publisher's description and logo from the channel, an
update that matches nothing once they are set), never one per entry; a feed whose publisher was guessed adds a few
more once, on its first successful fetch, when its channel places it (sources.services.place_fetched_feed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from newsstand.articles.models import Article, ArticleFeed
from newsstand.articles.signals import sightings_stored
from newsstand.ingest.stages.known import known_articles
from newsstand.ingest.stages.schedule import NextFetch
from newsstand.ingest.types import CleanEntry, FeedFailure, FeedJob, FeedMeta, FetchResult, Known, StoreOutcome
from newsstand.sources import services as sources
from newsstand.sources.models import Feed, FeedStatus
from newsstand.topics import services as topics

log = logging.getLogger(__name__)

_UPDATABLE = (
    "url", "canonical_url", "guid", "title", "summary", "body_html", "text", "author", "categories", "language",
    "word_count", "lead_image_url", "lead_image_caption", "lead_image_credit", "published_at", "updated_at",
    "content_hash", "source_hash", "full_text", "extraction_error",
)  # fmt: skip
_INSERTED = _UPDATABLE


def _article_fields(entry: CleanEntry, *, now: datetime) -> dict:
    return {
        "url": entry.url[:2000],
        "canonical_url": entry.canonical_url[:2000],
        "guid": entry.guid[:2000],
        "title": entry.title,
        "summary": entry.summary_html,
        "body_html": entry.body_html,
        "text": entry.text,
        "author": entry.author[:500],
        "categories": entry.categories[:20],
        "language": entry.language[:16],
        "word_count": entry.word_count,
        "lead_image_url": entry.lead_image_url[:2000],
        "lead_image_caption": entry.lead_image_caption,
        "lead_image_credit": entry.lead_image_credit[:500],
        "published_at": entry.published_at or now,
        "updated_at": now,
        "content_hash": entry.content_hash,
        # A failed extraction is retried the next time the feed changes: do not remember the entry as done.
        "source_hash": "" if entry.extraction_error else entry.source_hash,
        "full_text": entry.full_text,
        "extraction_error": entry.extraction_error[:500],
    }


def store_entries(
    *,
    job: FeedJob,
    entries: list[CleanEntry],
    unchanged_ids: Iterable[int] = (),
    known: dict[str, Known] | None = None,
    now: datetime,
) -> tuple[StoreOutcome, list[int]]:
    """Upsert `entries` for the feed in `job`; returns the outcome and the ids of new or changed articles.

    `known` is what the pipeline read before its filter stage (stages.known); entries missing from it are
    inserted with ON CONFLICT DO NOTHING, so an article another crawler stored a moment ago is found (read again
    for those alone), not duplicated. Without `known` (a caller outside the pipeline), it is read here.
    """
    outcome = StoreOutcome()
    touched: list[int] = []
    by_identity = {entry.identity: entry for entry in entries}
    with transaction.atomic():
        if known is None:
            known = known_articles(list(by_identity))
        fresh = [entry for identity, entry in by_identity.items() if identity not in known]
        ids = _insert_articles(fresh, job=job, now=now) if fresh else {}
        outcome.created = len(ids)
        touched.extend(ids.values())
        raced = [e.identity for e in fresh if e.identity not in ids]
        if raced:  # stored meanwhile by another crawler: treat as known
            known = {**known, **known_articles(raced)}
        changed: list[Article] = []
        hash_only: list[Article] = []
        for identity, entry in by_identity.items():
            if identity in ids:
                continue
            stored = known[identity]
            fields = _article_fields(entry, now=now)
            if stored.content_hash != entry.content_hash:
                changed.append(Article(pk=stored.article_id, **{name: fields[name] for name in _UPDATABLE}))
            elif stored.source_hash != fields["source_hash"]:
                hash_only.append(Article(pk=stored.article_id, source_hash=fields["source_hash"]))
            else:
                outcome.unchanged += 1
        if changed:
            Article.objects.bulk_update(changed, list(_UPDATABLE), batch_size=200)
            _copy_times([a.pk for a in changed])
            touched.extend(a.pk for a in changed)
            outcome.updated = len(changed)
        rewritten = {a.pk for a in changed}
        found = {ids[identity]: entry.topics for identity, entry in by_identity.items() if identity in ids}
        found.update(
            (known[identity].article_id, entry.topics)
            for identity, entry in by_identity.items()
            if identity not in ids and known[identity].article_id in rewritten
        )
        topics.set_article_topics(found, fresh=set(ids.values()))  # new and rewritten articles', as enrich found them
        if hash_only:
            Article.objects.bulk_update(hash_only, ["source_hash"], batch_size=500)
            outcome.unchanged += len(hash_only)
        links = [
            (ids.get(identity) or known[identity].article_id, entry.guid[:2000], entry.url[:2000])
            for identity, entry in by_identity.items()
        ]
        links += [(pk, "", "") for pk in unchanged_ids]
        sighted = _link_articles(links, feed_id=job.feed_id, now=now)
        outcome.linked = max(0, len(sighted) - outcome.created)
        if not job.private:
            created = set(ids.values())
            seen = [pk for pk, _, _ in links if pk not in created]
            touched.extend(make_public(seen, publisher_id=job.publisher_id, section=job.section))
        if sighted or changed:  # subscribers' unread entries (subscriptions), in this transaction
            sightings_stored.send(
                ArticleFeed, feed_id=job.feed_id, article_ids=sighted, changed=[a.pk for a in changed]
            )
    return outcome, touched


def _insert_articles(entries: list[CleanEntry], *, job: FeedJob, now: datetime) -> dict[str, int]:
    """One multi-row INSERT … ON CONFLICT (identity) DO NOTHING RETURNING: the hot path of a cold crawl, where
    building the statement through bulk_create cost more than the database did."""
    opts = Article._meta
    columns = ["identity", "publisher_id", "section", "first_seen_at", "private", *_INSERTED]
    fields = [opts.get_field(name.removesuffix("_id") if name == "publisher_id" else name) for name in columns]
    prep = [_preparer(field) for field in fields]
    rows = []
    for entry in entries:
        values = {
            "identity": entry.identity,
            "publisher_id": job.publisher_id,
            "section": job.section[:100],
            "first_seen_at": now,
            "private": job.private,
        }
        values.update(_article_fields(entry, now=now))
        rows.append([p(values[name]) for p, name in zip(prep, columns, strict=True)])
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 100):
            chunk = rows[start : start + 100]
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({column_sql}) VALUES {', '.join([placeholders] * len(chunk))}"
                f" ON CONFLICT ({quote('identity')}) DO NOTHING RETURNING {quote('id')}, {quote('identity')}",
                [value for row in chunk for value in row],
            )
            found.update((identity, pk) for pk, identity in cursor.fetchall())
    return found


def make_public(article_ids: list[int], *, publisher_id: int, section: str) -> list[int]:
    """A catalogue feed's sighting (or its promotion, ingest.promotion) makes a private source's article public
    (sources.private), under that feed's publisher and section: a private publisher is on no public page. Returns
    the ids that changed, for the search index and story assignment. One UPDATE per 500 ids, which matches nothing
    for the articles that were public already."""
    if not article_ids:
        return []
    table = connection.ops.quote_name(Article._meta.db_table)
    quote = connection.ops.quote_name
    changed: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            cursor.execute(
                f"UPDATE {table} SET {quote('private')} = %s, {quote('publisher_id')} = %s, {quote('section')} = %s"
                f" WHERE {quote('private')} AND {quote('id')} IN ({', '.join(['%s'] * len(chunk))})"
                f" RETURNING {quote('id')}",
                [False, publisher_id, section[:100], *chunk],
            )
            changed.extend(pk for (pk,) in cursor.fetchall())
    return changed


def _preparer(field):
    """The field's own conversion to a database value (datetimes, JSON) without the per-row model machinery."""
    if field.get_internal_type() in {"DateTimeField", "JSONField"}:
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def _link_articles(links: list[tuple[int, str, str]], *, feed_id: int, now: datetime) -> list[int]:
    """Record that the feed carried these articles; existing links are kept. Returns the articles newly linked."""
    if not links:
        return []
    table = ArticleFeed._meta.db_table
    quote = connection.ops.quote_name
    stamp = ArticleFeed._meta.get_field("first_seen_at").get_db_prep_save(now, connection)
    # Each sighting copies its article's publication time (ArticleFeed.published_at), read in the same statement.
    published = f"(SELECT {quote('published_at')} FROM {quote(Article._meta.db_table)} WHERE {quote('id')} = %s)"
    row = f"(%s, %s, %s, %s, %s, {published})"
    inserted: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(links), 200):
            chunk = links[start : start + 200]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({quote('article_id')}, {quote('feed_id')}, {quote('guid')}, {quote('link')},"
                f" {quote('first_seen_at')}, {quote('published_at')}) VALUES {', '.join([row] * len(chunk))}"
                f" ON CONFLICT ({quote('article_id')}, {quote('feed_id')}) DO NOTHING RETURNING {quote('article_id')}",
                [value for pk, guid, link in chunk for value in (pk, feed_id, guid, link, stamp, pk)],
            )
            inserted.extend(pk for (pk,) in cursor.fetchall())
    return inserted


def _copy_times(article_ids: list[int]) -> None:
    """Rewritten articles' publication times, copied to their sightings (ArticleFeed.published_at)."""
    quote = connection.ops.quote_name
    sightings, articles = quote(ArticleFeed._meta.db_table), quote(Article._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            cursor.execute(
                f"UPDATE {sightings} SET {quote('published_at')} = (SELECT a.{quote('published_at')} FROM {articles} a"
                f" WHERE a.{quote('id')} = {sightings}.{quote('article_id')})"
                f" WHERE {quote('article_id')} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )


def record_success(
    *, job: FeedJob, result: FetchResult, meta: FeedMeta | None, next_fetch: NextFetch, now: datetime
) -> None:
    """A 200 or 304: clear errors, keep validators, write down the next fetch, release the lease."""
    update = {
        "status": FeedStatus.OK,
        "last_fetched_at": now,
        "last_success_at": now,
        "last_status_code": result.status,
        "last_error": "",
        "last_error_code": "",
        "consecutive_failures": 0,
        "next_fetch_at": next_fetch.at,
        "lease_owner": "",
        "lease_expires_at": None,
    }
    if next_fetch.interval_seconds is not None:
        update["interval_seconds"] = next_fetch.interval_seconds
    if not result.not_modified:
        update["etag"] = result.headers.get("etag", "")[:500]
        update["last_modified"] = result.headers.get("last-modified", "")[:100]
    if meta:
        update["entries_seen"] = meta.entry_count
        if meta.title:
            update["title"] = meta.title[:500]
    Feed.objects.filter(pk=job.feed_id).update(**update)
    if meta and (meta.description or meta.image_url):
        sources.describe_publisher(
            publisher_id=job.publisher_id, channel_title=meta.title, description=meta.description,
            image_url=meta.image_url,
        )  # fmt: skip
    if result.permanent_url and result.permanent_url != job.url:
        _move_feed(job=job, new_url=result.permanent_url)  # its own savepoint: a clash leaves the update above


def _move_feed(*, job: FeedJob, new_url: str) -> None:
    """A 301/308 moves the feed for good; when the new URL is already a feed of ours, keep ours and say so."""
    try:
        with transaction.atomic():
            Feed.objects.filter(pk=job.feed_id).update(url=new_url[:2000])
    except IntegrityError:
        Feed.objects.filter(pk=job.feed_id).update(
            last_error=f"Permanently redirected to {new_url}, which is already another feed; kept the old URL.",
            last_error_code="duplicate_redirect",
        )


def record_failure(*, job: FeedJob, failure: FeedFailure, next_fetch: NextFetch, now: datetime) -> None:
    """Record the error on the feed and count it; a feed never fetched again (410 Gone) is disabled."""
    update = {
        "last_fetched_at": now,
        "last_status_code": failure.status,
        "last_error": failure.message[:2000],
        "last_error_code": failure.code[:40],
        "last_error_at": now,
        "consecutive_failures": job.consecutive_failures + 1,
        "lease_owner": "",
        "lease_expires_at": None,
        "next_fetch_at": next_fetch.at,
    }
    if next_fetch.at is None:
        update.update(status=FeedStatus.DISABLED, active=False)
    else:
        update.update(status=FeedStatus.ERROR)
    Feed.objects.filter(pk=job.feed_id).update(**update)


@dataclass(slots=True)
class FeedWrite:
    """Everything the store stage writes for one fetched feed, failed or not: its articles (if any), its new state
    and its next fetch."""

    job: FeedJob
    now: datetime
    next_fetch: NextFetch
    result: FetchResult | None = None  # a 200 or 304
    meta: FeedMeta | None = None
    entries: list[CleanEntry] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)
    known: dict[str, Known] | None = None
    failure: FeedFailure | None = None  # set when the fetch came to nothing: the rest is unset


def write_feeds(writes: list[FeedWrite]) -> list[tuple[StoreOutcome, list[int]]]:
    """A batch of feeds' writes, in the caller's transaction. The 304s (all of a warm pass) share one UPDATE
    statement, built once and run per feed; every other write goes feed by feed."""
    unchanged = [w for w in writes if _plain_not_modified(w)]
    if unchanged:
        _record_not_modified(unchanged)
    return [(StoreOutcome(), []) if _plain_not_modified(w) else write_feed(w) for w in writes]


def _plain_not_modified(write: FeedWrite) -> bool:
    """A 304 that only moves the feed's schedule on (no redirect to record)."""
    result = write.result
    return (
        write.failure is None
        and result is not None
        and result.not_modified
        and not (result.permanent_url and result.permanent_url != write.job.url)
    )


def _record_not_modified(writes: list[FeedWrite]) -> None:
    """What record_success writes for a 304 (validators and title kept), for many feeds: one statement run per
    feed (executemany), where the ORM would build an UPDATE per feed (most of a warm pass's database time)."""
    opts = Feed._meta
    quote = connection.ops.quote_name
    stamp = opts.get_field("last_fetched_at")
    columns = (
        "status", "last_fetched_at", "last_success_at", "last_status_code", "last_error", "last_error_code",
        "consecutive_failures", "interval_seconds", "next_fetch_at", "lease_owner", "lease_expires_at",
    )  # fmt: skip
    assignments = ", ".join(f"{quote(opts.get_field(name).column)} = %s" for name in columns)
    sql = f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = []
    for write in writes:
        assert write.result is not None and write.next_fetch.interval_seconds is not None
        now = stamp.get_db_prep_save(write.now, connection)
        rows.append(
            (
                FeedStatus.OK.value, now, now, write.result.status, "", "", 0, write.next_fetch.interval_seconds,
                stamp.get_db_prep_save(write.next_fetch.at, connection), "", None, write.job.feed_id,
            )
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_feed(write: FeedWrite) -> tuple[StoreOutcome, list[int]]:
    """One feed's write; returns its outcome and the ids of the articles it made new, changed or public."""
    if write.failure is not None:
        record_failure(job=write.job, failure=write.failure, next_fetch=write.next_fetch, now=write.now)
        return StoreOutcome(), []
    job = write.job
    if job.publisher_guessed and write.meta is not None:
        # The feed's own channel names its publisher: placed again before its articles are stored under it.
        placed = sources.place_fetched_feed(
            feed_id=job.feed_id, channel_title=write.meta.title, channel_link=write.meta.site_url
        )
        if placed is not None:
            job = replace(job, publisher_id=placed[0], section=placed[1], publisher_guessed=False)
    outcome, touched = StoreOutcome(), []
    if write.entries or write.unchanged_ids:
        outcome, touched = store_entries(
            job=job, entries=write.entries, unchanged_ids=write.unchanged_ids, known=write.known, now=write.now
        )
    assert write.result is not None
    record_success(job=job, result=write.result, meta=write.meta, next_fetch=write.next_fetch, now=write.now)
    return outcome, touched
