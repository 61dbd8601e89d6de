"""The ingestion pipeline for one feed, top to bottom as the diagram reads:

    schedule → fetch → parse → normalize → filter → extract → sanitize → enrich → store

`schedule` (claiming) happens in the crawler, which runs many of these concurrently. Fetches are awaited on the
event loop; CPU stages (ingest.cpu) run in the process pool; database reads and writes run on the crawler's one
database thread. Every failure ends as a recorded feed error, never as a dead crawler. Once the store stage has
committed, the new and changed articles are queued for story assignment (stories.tasks).
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
from newsstand.stories import tasks as story_tasks

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


async def ingest_feed(job: FeedJob, *, fetcher: Fetcher, cpu_run: Runner, db_run: Runner) -> FeedReport:
    now = clock.now()
    result = await fetcher.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
    if not result.ok:
        await db_run(
            store.record_failure,
            job=job, code=result.error_code, message=result.error, status=result.status,
            retry_after=result.retry_after, now=now,
        )  # fmt: skip
        return FeedReport(job.feed_id, result.error_code)
    if result.not_modified:
        await db_run(store.record_success, job=job, result=result, meta=None, now=now)
        return FeedReport(job.feed_id, "not_modified")

    try:
        meta, entries = await cpu_run(
            cpu.parse_and_normalize,
            result.body,
            url=result.url, content_type=result.headers.get("content-type", ""), feed_url=job.url,
            full_text_mode=job.full_text, now=now,
        )  # fmt: skip
    except ParseError as exc:
        await db_run(
            store.record_failure,
            job=job,
            code="parse",
            message=str(exc),
            status=result.status,
            retry_after=None,
            now=now,
        )
        return FeedReport(job.feed_id, "parse")

    known = await db_run(filter_stage.known_source_hashes, [e.identity for e in entries])
    filtered = filter_stage.split_known(entries, known)
    ready, pages = await _extract_and_sanitize(filtered.todo, base_url=result.url, fetcher=fetcher, cpu_run=cpu_run)
    outcome, touched = await db_run(
        store.store_entries, job=job, entries=ready, unchanged_ids=filtered.unchanged_ids, now=now
    )
    await db_run(store.record_success, job=job, result=result, meta=meta, now=now)
    # What follows ingestion, in plain sight: story assignment for what is new or changed (after commit).
    await db_run(story_tasks.enqueue_assignment, touched)
    return FeedReport(job.feed_id, "ok", entries=len(entries), outcome=outcome, pages=pages)


async def _extract_and_sanitize(
    entries: list[Entry], *, base_url: str, fetcher: Fetcher, cpu_run: Runner
) -> tuple[list[Entry], int]:
    """Entries whose feed carries the text are sanitised in one batch; the others fetch their page first."""
    direct = [e for e in entries if not e.needs_page]
    paged = [e for e in entries if e.needs_page]
    jobs: list[Awaitable[Any]] = [_with_page(e, fetcher=fetcher, cpu_run=cpu_run) for e in paged]
    if direct:
        jobs.append(cpu_run(cpu.sanitize_entries, direct, base_url=base_url))
    done = await asyncio.gather(*jobs)
    ready = [e for e in done[: len(paged)]]
    if direct:
        ready.extend(done[-1])
    return ready, len(paged)


async def _with_page(entry: Entry, *, fetcher: Fetcher, cpu_run: Runner) -> Entry:
    page = await fetcher.fetch(entry.url, accept=PAGE_ACCEPT)
    if not page.ok or not page.body:
        failed = replace(entry, extraction_error=f"page fetch failed: {page.error or page.status}")
        return (await cpu_run(cpu.sanitize_entries, [failed], base_url=entry.url))[0]
    return await cpu_run(cpu.extract_and_sanitize, entry, page.body, page_url=page.url)
