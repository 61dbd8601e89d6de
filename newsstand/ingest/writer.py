"""Batches the store stage: feeds that finish while the database thread is busy are written together, in one
transaction, when it is free again. No artificial delay: on a quiet crawler every feed is written at once; on a
busy one commits (the dominant cost of many small feeds) are shared."""

from __future__ import annotations

import asyncio
import logging

from newsstand.ingest.stages import store
from newsstand.ingest.types import StoreOutcome

log = logging.getLogger(__name__)


class BatchWriter:
    def __init__(self, db_run, *, max_batch: int = 64) -> None:
        self._db_run = db_run
        self._max_batch = max_batch
        self._pending: list[tuple[store.FeedWrite, asyncio.Future]] = []
        self._flusher: asyncio.Task | None = None

    async def write(self, write: store.FeedWrite) -> tuple[StoreOutcome, list[int]]:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((write, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let feeds finishing in this same loop turn join the first batch
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            try:
                results = await self._db_run(store.write_feeds, [write for write, _ in batch])
            except Exception:  # noqa: BLE001 — one feed's write failed the batch: write each alone, keep the rest
                log.warning("a batch of %d feed writes failed; writing them one by one", len(batch), exc_info=True)
                for write, future in batch:
                    try:
                        future.set_result((await self._db_run(store.write_feeds, [write]))[0])
                    except Exception as exc:  # noqa: BLE001 — handed to that feed's own boundary
                        future.set_exception(exc)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    future.set_result(result)
