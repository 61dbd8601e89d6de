"""The disk:// cache backend (see newsstand.conf.caches): diskcache's Django backend, kept open between requests,
and a cache that fails is a cache that misses.

Django closes every cache when a request finishes, which suits a network client; for diskcache it means a new
SQLite connection and its ten set-up statements per request, 0.5 ms on a page-cache hit that otherwise costs
0.02 ms. The connections are per thread and stay valid, so closing is left to the process's end.

Everything kept here can be made again (pages, images, session copies whose rows are in the database), so an
SQLite error from a shard — a damaged file ("database disk image is malformed"), a full disk, a lock held past
diskcache's own timeout — is logged and answered as a miss (reads) or as not stored (writes), never as a failed
page; a process that opens a cache whose files are damaged moves them aside (`<dir>.damaged-<time>-<pid>`,
kept for a look) and starts an empty one. Counters (incr, decr: the rate limits) still raise: a limit that cannot
count refuses rather than lets through. Deleting the cache directory while the site is stopped mends a damaged
shard.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diskcache import DjangoCache

log = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0  # a damaged shard fails every request that touches it: say so once a minute, not each time


class DiskCache(DjangoCache):
    _last_logged = 0.0

    def __init__(self, directory: str, params: dict[str, Any]) -> None:
        try:
            super().__init__(directory, params)
        except sqlite3.DatabaseError as error:
            aside = Path(f"{directory}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
            log.error(
                "the disk cache at %s is damaged (%s): moved to %s, starting an empty one", directory, error, aside
            )
            with contextlib.suppress(FileNotFoundError):  # another process moved it first
                os.rename(directory, aside)
            super().__init__(directory, params)

    def close(self, **kwargs: Any) -> None:
        """Keep the SQLite connections: Django calls this at the end of every request."""

    def _failed(self, operation: str, error: sqlite3.Error) -> None:
        now = time.monotonic()
        if now - DiskCache._last_logged >= LOG_EVERY_SECONDS:
            DiskCache._last_logged = now
            log.error("the disk cache at %s failed (%s: %s); answering as a miss", self.directory, operation, error)


def _missing_on_error(answer: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a DjangoCache method so that an SQLite error gives `answer(*args, **kwargs)` instead of raising."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: DiskCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as error:
                self._failed(method.__name__, error)
                return answer(*args, **kwargs)

        return guarded

    return wrap


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


for _name, _answer in (
    ("get", _default),
    ("read", _none),
    ("pop", _default),
    ("set", _false),
    ("add", _false),
    ("touch", _false),
    ("delete", _false),
    ("has_key", _false),
    ("clear", _none),
    ("expire", _none),
    ("cull", _none),
):
    setattr(DiskCache, _name, _missing_on_error(_answer)(getattr(DjangoCache, _name)))
