"""Store: the only stage that writes. Articles are upserted by identity, linked to every feed that carries them,
and the feed's fetch state and schedule are recorded — all idempotent, so a crawler killed at any point and a
second crawler racing for the same syndicated article leave exactly one row.

Per feed this costs a constant number of queries (select known, bulk insert, select ids, bulk update,
bulk link, feed update), never one per entry.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from newsstand.articles.models import Article, ArticleFeed
from newsstand.ingest.types import Entry, FeedJob, FeedMeta, FetchResult, StoreOutcome
from newsstand.sources import schedule
from newsstand.sources.models import Feed, FeedStatus

log = logging.getLogger(__name__)

_UPDATABLE = (
    "url", "canonical_url", "guid", "title", "summary", "body_html", "text", "author", "categories", "language",
    "word_count", "lead_image_url", "lead_image_caption", "lead_image_credit", "published_at", "updated_at",
    "content_hash", "source_hash", "full_text", "extraction_error",
)  # fmt: skip


def _article_fields(entry: Entry, *, now: datetime) -> dict:
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
    *, job: FeedJob, entries: list[Entry], unchanged_ids: Iterable[int] = (), now: datetime
) -> tuple[StoreOutcome, list[int]]:
    """Upsert `entries` for the feed in `job`; returns the outcome and the ids of new or changed articles."""
    outcome = StoreOutcome()
    touched: list[int] = []
    by_identity = {entry.identity: entry for entry in entries}
    with transaction.atomic():
        existing = {
            a.identity: a
            for a in Article.objects.filter(identity__in=list(by_identity)).only(
                "id", "identity", "content_hash", "source_hash"
            )
        }
        fresh = [
            Article(
                identity=identity,
                publisher_id=job.publisher_id,
                section=job.section[:100],
                first_seen_at=now,
                **_article_fields(entry, now=now),
            )
            for identity, entry in by_identity.items()
            if identity not in existing
        ]
        if fresh:
            # ignore_conflicts: another crawler may have stored the same (syndicated) article a moment ago.
            Article.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
            ids = dict(Article.objects.filter(identity__in=[a.identity for a in fresh]).values_list("identity", "id"))
            outcome.created = len(fresh)
            touched.extend(ids.values())
        else:
            ids = {}
        changed = []
        for identity, article in existing.items():
            entry = by_identity[identity]
            fields = _article_fields(entry, now=now)
            if article.content_hash != entry.content_hash:
                for name in _UPDATABLE:
                    setattr(article, name, fields[name])
                changed.append(article)
                touched.append(article.pk)
            elif article.source_hash != fields["source_hash"]:
                article.source_hash = fields["source_hash"]
                changed.append(article)
            else:
                outcome.unchanged += 1
        if changed:
            fields_to_update = list(_UPDATABLE) if any(a.pk in touched for a in changed) else ["source_hash"]
            Article.objects.bulk_update(changed, fields_to_update, batch_size=500)
            outcome.updated = sum(1 for a in changed if a.pk in touched)
            outcome.unchanged += len(changed) - outcome.updated
        all_ids = {**ids, **{identity: a.pk for identity, a in existing.items()}}
        links = [
            ArticleFeed(
                article_id=all_ids[identity],
                feed_id=job.feed_id,
                guid=entry.guid[:2000],
                link=entry.url[:2000],
                first_seen_at=now,
            )
            for identity, entry in by_identity.items()
            if identity in all_ids
        ]
        links += [ArticleFeed(article_id=pk, feed_id=job.feed_id, first_seen_at=now) for pk in unchanged_ids]
        if links:
            before = ArticleFeed.objects.filter(feed_id=job.feed_id).count()
            ArticleFeed.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)
            outcome.linked = ArticleFeed.objects.filter(feed_id=job.feed_id).count() - before - outcome.created
    return outcome, touched


def record_success(*, job: FeedJob, result: FetchResult, meta: FeedMeta | None, now: datetime) -> None:
    """A 200 or 304: clear errors, keep validators, schedule the next fetch adaptively, release the lease."""
    interval = (
        schedule.next_interval(
            entry_times=meta.entry_times,
            headers=result.headers,
            now=now,
            ttl_minutes=meta.ttl_minutes,
            previous=job.interval_seconds,
        )
        if meta
        else schedule.clamp(max(job.interval_seconds, schedule.cache_lifetime(result.headers, now=now) or 0))
    )
    update = {
        "status": FeedStatus.OK,
        "last_fetched_at": now,
        "last_success_at": now,
        "last_status_code": result.status,
        "last_error": "",
        "last_error_code": "",
        "consecutive_failures": 0,
        "interval_seconds": interval,
        "next_fetch_at": now + timedelta(seconds=interval),
        "lease_owner": "",
        "lease_expires_at": None,
    }
    if not result.not_modified:
        update["etag"] = result.headers.get("etag", "")[:500]
        update["last_modified"] = result.headers.get("last-modified", "")[:100]
    if meta:
        update["entries_seen"] = meta.entry_count
        if meta.title:
            update["title"] = meta.title[:500]
    with transaction.atomic():
        Feed.objects.filter(pk=job.feed_id).update(**update)
        if result.permanent_url and result.permanent_url != job.url:
            _move_feed(job=job, new_url=result.permanent_url)


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


def record_failure(
    *, job: FeedJob, code: str, message: str, status: int | None, retry_after: float | None, now: datetime
) -> None:
    """Record the error on the feed, count it and back off. 410 Gone disables the feed."""
    failures = job.consecutive_failures + 1
    update = {
        "last_fetched_at": now,
        "last_status_code": status,
        "last_error": message[:2000],
        "last_error_code": code[:40],
        "last_error_at": now,
        "consecutive_failures": failures,
        "lease_owner": "",
        "lease_expires_at": None,
    }
    if code == "gone":
        update.update(status=FeedStatus.DISABLED, active=False, next_fetch_at=None)
    else:
        delay = schedule.retry_delay(
            retry_after=retry_after, failures=failures, interval=job.interval_seconds, rng=random.Random()
        )
        update.update(status=FeedStatus.ERROR, next_fetch_at=now + timedelta(seconds=delay))
    Feed.objects.filter(pk=job.feed_id).update(**update)
