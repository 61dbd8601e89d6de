"""The ingestion pipeline for one feed, top to bottom as the diagram reads:

    claim → fetch → parse → normalize → known → filter → extract → sanitize → enrich → store → schedule → follow-on

`claim` (leasing due feeds) happens in the crawler, which runs many of these concurrently. Fetches are awaited on
the event loop; CPU stages (ingest.cpu) run in the process pool; database reads and writes run on the crawler's
one database thread. The filter drops the entries stored unchanged before any HTML work, so only new and changed
entries are extracted, sanitised (once) and enriched. Store writes many feeds per transaction (ingest.writer,
`store_batch`), the schedule stage's decision with each feed's state; what follows a write (the search index,
story assignment) is in `store_batch`, in plain sight. Every failure, expected or not, is written by the same path
as a success (a FeedWrite), and ends as a recorded feed error, never as a dead crawler.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from django.db import transaction

from newsstand.core import clock
from newsstand.core.errors import ParseError
from newsstand.ingest import cpu
from newsstand.ingest.stages import filter as filter_stage
from newsstand.ingest.stages import known as known_stage
from newsstand.ingest.stages import schedule, store
from newsstand.ingest.stages.fetch import PAGE_ACCEPT, Fetcher
from newsstand.ingest.types import CleanEntry, DraftEntry, FeedFailure, FeedJob, FetchResult, StoreOutcome
from newsstand.ingest.writer import BatchWriter
from newsstand.search import services as search_index
from newsstand.stories import tasks as story_tasks

log = logging.getLogger(__name__)


class Runner(Protocol):
    """Runs a callable elsewhere (the process pool, the database thread) and awaits its result."""

    def __call__(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Awaitable[Any]: ...


@dataclass(frozen=True, slots=True)
class Means:
    """What every feed of a crawl goes through the stages with: where each kind of work runs (`cpu_run`: the process
    pool; `db_run`: the database thread), the fetcher and the writer, and the two bounds on memory: `pages`, the
    article pages held between fetch and extraction; `in_hand`, the feeds held between parse and write."""

    fetcher: Fetcher
    cpu_run: Runner
    db_run: Runner
    writer: BatchWriter
    pages: asyncio.Semaphore
    in_hand: asyncio.Semaphore


@dataclass(slots=True)
class FeedReport:
    feed_id: int
    status: str  # "ok", "not_modified", or the error code
    entries: int = 0
    outcome: StoreOutcome | None = None
    pages: int = 0


async def ingest_feed(job: FeedJob, means: Means) -> FeedReport:
    """One claimed feed through every stage. The per-feed boundary: whatever fails is recorded on the feed."""
    try:
        return await _stages(job, means)
    except Exception as exc:  # noqa: BLE001 — the per-feed boundary: record loudly, keep crawling.
        log.exception("feed %s (%s) failed unexpectedly", job.feed_id, job.url)
        failure = FeedFailure("internal", f"internal error: {type(exc).__name__}: {exc}")
        return await _failed(job, failure, retry_after=None, writer=means.writer)


async def _stages(job: FeedJob, means: Means) -> FeedReport:
    now, writer = clock.now(), means.writer
    # fetch
    result = await means.fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
    if not result.ok:
        failure = FeedFailure(result.error_code, result.error, result.status)
        return await _failed(job, failure, retry_after=result.retry_after, writer=writer)
    if result.not_modified:
        next_fetch = schedule.after_success(job=job, result=result, meta=None, now=now)
        await writer.write(store.FeedWrite(job=job, now=now, next_fetch=next_fetch, result=result))
        return FeedReport(job.feed_id, "not_modified")

    # parse → … → store, for at most `in_hand` feeds at a time (see _parsed_to_stored)
    async with means.in_hand:
        return await _parsed_to_stored(job, result, now=now, means=means)


async def _parsed_to_stored(job: FeedJob, result: FetchResult, *, now: datetime, means: Means) -> FeedReport:
    """A fetched feed from its parse to its write. Its entries are held in memory all that time, and the writer is
    the slowest stage, so the crawler bounds how many feeds are here at once (`in_hand`); what the write does not
    need (the body, the drafts once cleaned) is let go on the way (bench/RESULTS.md: the crawler's peak memory)."""
    cpu_run, writer = means.cpu_run, means.writer
    # parse → normalize, in a worker process: drafts, their HTML untouched
    try:
        meta, drafts = await cpu_run(
            cpu.parse_and_normalize,
            result.body,
            url=result.url, content_type=result.headers.get("content-type", ""), feed_url=job.url,
            full_text_mode=job.full_text, now=now, content_location=result.headers.get("content-location", ""),
        )  # fmt: skip
    except ParseError as exc:
        return await _failed(job, FeedFailure("parse", str(exc), result.status), retry_after=None, writer=writer)
    result = replace(result, body=None)  # read: store and schedule need its headers alone

    # filter: the entries stored unchanged go no further
    known = await means.db_run(known_stage.known_articles, [e.identity for e in drafts])
    filtered = filter_stage.split_known(drafts, known)
    entry_count, unchanged_ids = len(drafts), filtered.unchanged_ids

    # extract (the pages of entries the feed gives no text for) → sanitize → enrich, each entry once
    paged = [e for e in filtered.todo if e.needs_page]
    from_feed = [(e, e.url or result.url) for e in filtered.todo if not e.needs_page]
    del drafts, filtered  # from here on the clean entries stand for them
    ready: list[CleanEntry] = await cpu_run(cpu.clean, from_feed) if from_feed else []
    ready += await asyncio.gather(*(_from_page(e, feed_url=result.url, means=means) for e in paged))
    page_count = len(paged)
    del paged, from_feed

    # store, with the schedule stage's decision written beside the feed's state
    next_fetch = schedule.after_success(job=job, result=result, meta=meta, now=now)
    outcome, _touched = await writer.write(
        store.FeedWrite(
            job=job, now=now, next_fetch=next_fetch, result=result, meta=meta, entries=ready,
            unchanged_ids=unchanged_ids, known=known,
        )
    )  # fmt: skip
    return FeedReport(job.feed_id, "ok", entries=entry_count, outcome=outcome, pages=page_count)


async def _failed(job: FeedJob, failure: FeedFailure, *, retry_after: float | None, writer: BatchWriter) -> FeedReport:
    """A fetch that came to nothing: the schedule stage backs it off and store records it, as for a success."""
    now = clock.now()
    next_fetch = schedule.after_failure(
        job=job, code=failure.code, retry_after=retry_after, now=now, rng=random.Random()
    )
    await writer.write(store.FeedWrite(job=job, now=now, next_fetch=next_fetch, failure=failure))
    return FeedReport(job.feed_id, failure.code)


async def _from_page(entry: DraftEntry, *, feed_url: str, means: Means) -> CleanEntry:
    """Fetch the article page, then extract → sanitize → enrich in one worker round trip. `pages` bounds the pages
    held between fetch and extraction, so a full-text crawl keeps every core busy without holding thousands of
    pages in memory. A page we cannot fetch leaves the entry as the feed gave it, saying why."""
    cpu_run = means.cpu_run
    async with means.pages:
        page: FetchResult = await means.fetcher.fetch(entry.url, accept=PAGE_ACCEPT)
        if not page.ok or not page.body:
            failed = replace(entry, extraction_error=f"page fetch failed: {page.error or page.status}")
            return (await cpu_run(cpu.clean, [(failed, entry.url or feed_url)]))[0]
        return await cpu_run(cpu.extract_and_clean, entry, page.body, page_url=page.url)


def store_batch(writes: list[store.FeedWrite]) -> list[tuple[StoreOutcome, list[int]]]:
    """store → follow-on for the feeds the writer gathered, on the database thread: one transaction (commits
    dominate a crawl of small feeds). The search index is written inside it, so an article is findable exactly
    when it is committed; story assignment is queued once the rows are committed, so the worker sees them. What
    is handed to it is sorted, and assignment itself goes in a stable order (stories.services), so stories do not
    depend on which feeds happened to be stored together."""
    with transaction.atomic():
        results = store.write_feeds(writes)
        touched = sorted({pk for _, ids in results for pk in ids})
        search_index.index_articles(touched)
        transaction.on_commit(partial(story_tasks.enqueue_assignment, touched))
    return results
