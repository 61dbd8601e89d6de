"""Batches the store step: feeds that finish while the database thread is busy are written together, in one
transaction, when it is free again. No artificial delay: on a quiet crawler every feed is written at once; on a
busy one commits (the dominant cost of many small feeds) are shared."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

W = TypeVar("W")
R = TypeVar("R")


class BatchWriter(Generic[W, R]):
    """`write_batch` (ingest.pipeline.store_batch) writes a list of writes in one transaction, on the database
    thread that `db_run` runs it on, and returns one result per write."""

    def __init__(
        self,
        db_run: Callable[..., Awaitable[Any]],
        write_batch: Callable[[list[W]], list[R]],
        *,
        max_batch: int = 64,
    ) -> None:
        self._db_run = db_run
        self._write_batch = write_batch
        self.max_batch = max_batch
        self._pending: list[tuple[W, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task | None = None

    async def write(self, write: W) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((write, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let feeds finishing in this same loop turn join the first batch
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            try:
                results = await self._db_run(self._write_batch, [write for write, _ in batch])
            except Exception:  # noqa: BLE001 — one feed's write failed the batch: write each alone, keep the rest
                log.warning("a batch of %d feed writes failed; writing them one by one", len(batch), exc_info=True)
                for write, future in batch:
                    try:
                        future.set_result((await self._db_run(self._write_batch, [write]))[0])
                    except Exception as exc:  # noqa: BLE001 — handed to that feed's own boundary
                        future.set_exception(exc)
            else:
                for (_, future), result in zip(batch, results, strict=True):
                    future.set_result(result)
