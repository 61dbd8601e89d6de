"""The ingestion pipeline for one feed, top to bottom as the diagram reads:

    schedule → fetch → parse → normalize → filter → extract → sanitize → enrich → store

`schedule` (claiming) happens in the crawler, which runs many of these concurrently. Fetches are awaited on the
event loop; CPU stages (ingest.cpu) run in the process pool; database reads and writes run on the crawler's one
database thread, where the store stage writes many feeds per transaction (ingest.writer) and, in the same
transaction, queues the new and changed articles for story assignment (stories.tasks). Every failure ends as a
recorded feed error, never as a dead crawler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from newsstand.core import clock
from newsstand.core.errors import ParseError
from newsstand.ingest import cpu
from newsstand.ingest.stages import filter as filter_stage
from newsstand.ingest.stages import store
from newsstand.ingest.stages.fetch import PAGE_ACCEPT, Fetcher
from newsstand.ingest.types import Entry, FeedJob, StoreOutcome
from newsstand.ingest.writer import BatchWriter

log = logging.getLogger(__name__)


class Runner(Protocol):
    """Runs a callable elsewhere (the process pool, the database thread) and awaits its result."""

    def __call__(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Awaitable[Any]: ...


@dataclass(slots=True)
class FeedReport:
    feed_id: int
    status: str  # "ok", "not_modified", or the error code
    entries: int = 0
    outcome: StoreOutcome | None = None
    pages: int = 0


async def ingest_feed(
    job: FeedJob, *, fetcher: Fetcher, cpu_run: Runner, db_run: Runner, writer: BatchWriter, pages: asyncio.Semaphore
) -> FeedReport:
    now = clock.now()
    result = await fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
    if not result.ok:
        await writer.write(
            store.FeedWrite(
                job=job, now=now, error_code=result.error_code, error=result.error, status=result.status,
                retry_after=result.retry_after,
            )
        )  # fmt: skip
        return FeedReport(job.feed_id, result.error_code)
    if result.not_modified:
        await writer.write(store.FeedWrite(job=job, now=now, result=result))
        return FeedReport(job.feed_id, "not_modified")

    try:
        # parse → normalize → sanitize in one trip to a worker process: entries whose feed carries the text are
        # ready to store; the few that need their page are extracted (and sanitised again) below.
        meta, entries = await cpu_run(
            cpu.parse_normalize_sanitize,
            result.body,
            url=result.url, content_type=result.headers.get("content-type", ""), feed_url=job.url,
            full_text_mode=job.full_text, now=now,
        )  # fmt: skip
    except ParseError as exc:
        await writer.write(store.FeedWrite(job=job, now=now, error_code="parse", error=str(exc), status=result.status))
        return FeedReport(job.feed_id, "parse")

    known = await db_run(store.known_articles, [e.identity for e in entries])
    filtered = filter_stage.split_known(entries, known)
    paged = [e for e in filtered.todo if e.needs_page]
    extracted = await asyncio.gather(*(_with_page(e, fetcher=fetcher, cpu_run=cpu_run, pages=pages) for e in paged))
    ready = [e for e in filtered.todo if not e.needs_page] + list(extracted)
    outcome, _touched = await writer.write(
        store.FeedWrite(
            job=job, now=now, result=result, meta=meta, entries=ready, unchanged_ids=filtered.unchanged_ids, known=known
        )
    )
    return FeedReport(job.feed_id, "ok", entries=len(entries), outcome=outcome, pages=len(paged))


async def _with_page(entry: Entry, *, fetcher: Fetcher, cpu_run: Runner, pages: asyncio.Semaphore) -> Entry:
    """Fetch and extract one article page. `pages` bounds the pages held between fetch and extraction, so a
    full-text crawl keeps every core busy without holding thousands of pages in memory."""
    async with pages:
        page = await fetcher.fetch(entry.url, accept=PAGE_ACCEPT)
        if not page.ok or not page.body:
            return replace(entry, extraction_error=f"page fetch failed: {page.error or page.status}")
        return await cpu_run(cpu.extract_and_sanitize, entry, page.body, page_url=page.url)
