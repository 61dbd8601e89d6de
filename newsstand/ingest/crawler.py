"""The crawler: claims due feeds in batches and runs the pipeline for many of them at once.

One asyncio event loop does the I/O (aiohttp), a process pool (one process per core) does parsing, extraction
and sanitising, and a single thread owns the database connection so writes never contend inside a process.
Several crawler processes, on one machine or many, cooperate through feed leases (ingest.stages.claim).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import close_old_connections, connection

from newsstand import conf
from newsstand.core import clock
from newsstand.ingest import cpu, pipeline
from newsstand.ingest.stages import claim
from newsstand.ingest.stages.fetch import Fetcher
from newsstand.ingest.types import FeedJob
from newsstand.ingest.writer import BatchWriter

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 30.0


@dataclass(slots=True)
class CrawlTotals:
    feeds: int = 0
    entries: int = 0
    created: int = 0
    updated: int = 0
    pages: int = 0
    not_modified: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def all_failed(self) -> bool:
        """Feeds were fetched and not one answered: nothing new can appear until that is put right."""
        return self.feeds > 0 and sum(self.errors.values()) == self.feeds

    def add(self, report: pipeline.FeedReport) -> None:
        self.feeds += 1
        self.entries += report.entries
        self.pages += report.pages
        if report.outcome:
            self.created += report.outcome.created
            self.updated += report.outcome.updated
        if report.status == "not_modified":
            self.not_modified += 1
        elif report.status != "ok":
            self.errors[report.status] = self.errors.get(report.status, 0) + 1


OPEN_FILES_WANTED = 65536


def raise_open_files_limit() -> None:
    """Let the crawler open as many files as the system allows it. A crawl holds up to NEWSSTAND_FETCH_CONCURRENCY
    sockets in flight and keeps idle ones to the hosts it visits; the soft limit services usually start with
    (1,024) is below what the defaults may reach, and a socket refused for it fails a feed for nothing."""
    try:
        import resource
    except ImportError:  # not on this platform: nothing to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, OPEN_FILES_WANTED) if hard != resource.RLIM_INFINITY else OPEN_FILES_WANTED
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open files limit from %s to %s: %s", soft, wanted, exc)


def cpu_workers() -> int:
    configured = conf.env("NEWSSTAND_CPU_WORKERS")
    return configured or len(os.sched_getaffinity(0))


class Crawler:
    def __init__(
        self,
        *,
        batch: int | None = None,
        lease: timedelta = claim.DEFAULT_LEASE,
        workers: int | None = None,
        fetcher_factory: Callable[[], Fetcher] = Fetcher,
        on_feed: Callable[[pipeline.FeedReport], None] | None = None,
        on_first_pass: Callable[[CrawlTotals], None] | None = None,
    ) -> None:
        """`on_first_pass` is told the totals once, when the feeds due at start have all been fetched."""
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch or conf.env("NEWSSTAND_CRAWL_BATCH")
        self.lease = lease
        self.workers = workers or cpu_workers()
        self.fetcher_factory = fetcher_factory
        self.on_feed = on_feed
        self.on_first_pass = on_first_pass
        self.totals = CrawlTotals()
        self._pool: Executor | None = None
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsstand-db")
        self._stopping = asyncio.Event()
        self._writer = BatchWriter(self.db_run, pipeline.store_batch)
        # Pages fetched but not yet extracted: enough to keep every worker busy, few enough to bound memory.
        self._pages = asyncio.Semaphore(16 * self.workers)
        # Feeds parsed but not yet written: two of the writer's batches. The database thread is the slowest stage,
        # and each feed waiting for it holds all its entries (with the batch as the only bound, full-text crawls of
        # 1,000 feeds peaked at 744 MB; bench/RESULTS.md).
        self._in_hand = asyncio.Semaphore(2 * self._writer.max_batch)

    # Runners: where each kind of work happens.
    def _new_pool(self) -> Executor:
        # spawn: workers never inherit the crawler's threads, sockets or database connection.
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=cpu.watch_parent,
            initargs=(os.getpid(),),
        )

    async def cpu_run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        assert self._pool is not None
        pool = self._pool
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, partial(fn, *args, **kwargs))
        except BrokenProcessPool:
            # A worker died (a hostile document crashing a C parser, the OOM killer): replace the pool once.
            if self._pool is pool:
                log.error("a CPU worker died; restarting the process pool")
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise

    async def db_run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._db, partial(fn, *args, **kwargs))

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, *, once: bool = False, all_active: bool = False) -> CrawlTotals:
        """Crawl until stopped; with `once`, until every due (or, with `all_active`, every active) feed is done."""
        raise_open_files_limit()
        self._pool = self._new_pool()
        processed: set[int] = set()
        inflight: set[asyncio.Task] = set()
        # Woken when a feed is done, rather than `asyncio.wait(inflight, FIRST_COMPLETED)`: that walks every task
        # in flight at each wake, O(feeds²) over a pass (a tenth of a warm pass's loop time: bench/RESULTS.md).
        finished = asyncio.Event()

        def done(task: asyncio.Task) -> None:
            inflight.discard(task)
            finished.set()

        claimed_all = False  # once: a claim came back short, so nothing due is left to claim in this pass
        try:
            async with self.fetcher_factory() as fetcher:
                while not self._stopping.is_set():
                    finished.clear()  # before counting: a feed done from here on wakes the wait below
                    capacity = self.batch - len(inflight)
                    if capacity > self.batch // 2 and not claimed_all:
                        jobs = await self.db_run(
                            claim.claim_due_feeds,
                            owner=self.owner, now=clock.now(), limit=capacity, lease=self.lease,
                            all_active=all_active, exclude=processed if once else (),
                        )  # fmt: skip
                        claimed_all = once and len(jobs) < capacity
                        for job in jobs:
                            processed.add(job.feed_id)
                            task = asyncio.create_task(self._ingest(job, fetcher))
                            inflight.add(task)
                            task.add_done_callback(done)
                    if not inflight:  # nothing due is left: a pass is over
                        if self.on_first_pass is not None:
                            self.on_first_pass(self.totals)
                            self.on_first_pass = None
                        if once:
                            break
                        await self._idle()
                        continue
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(finished.wait(), timeout=1.0)
                if inflight:
                    await asyncio.gather(*inflight, return_exceptions=True)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            await self.db_run(_close_connection)
            self._db.shutdown(wait=True)
        return self.totals

    async def _idle(self) -> None:
        next_due = await self.db_run(claim.next_due_at)
        wait = IDLE_POLL_SECONDS
        if next_due is not None:
            wait = min(wait, max(0.5, (next_due - clock.now()).total_seconds()))
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=wait)
        except TimeoutError:
            await self.db_run(_close_old_connections)

    async def _ingest(self, job: FeedJob, fetcher: Fetcher) -> None:
        try:
            means = pipeline.Means(fetcher, self.cpu_run, self.db_run, self._writer, self._pages, self._in_hand)
            report = await pipeline.ingest_feed(job, means)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 — even recording the failure failed (the database is away): keep crawling
            log.exception("feed %s (%s) failed, and so did recording it", job.feed_id, job.url)
            report = pipeline.FeedReport(job.feed_id, "internal")
        self.totals.add(report)
        if self.on_feed:
            self.on_feed(report)


def _close_connection() -> None:
    """Runs on the database thread: `connection` resolves to that thread's connection only there."""
    connection.close()


def _close_old_connections() -> None:
    close_old_connections()
