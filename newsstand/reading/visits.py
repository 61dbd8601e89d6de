"""Plain visits to readers' histories, written in batches off the page's path.

Every article page a member is given puts the article at the top of their history (web.personal
"reading-history"). Written with the page, that is one write transaction per page view, and on SQLite each one
queues for the database's single write lock, where a wait is a sleep of a millisecond or more: with hundreds of
member pages a second those waits made the members' slowest answers (bench/RESULTS.md). So a visit is noted in the
process's memory and a thread of the process writes what gathered every `HISTORY_WRITE_SECONDS`
(NEWSSTAND_HISTORY_WRITE_SECONDS, default 1) in one transaction: the latest visit per reader and article.

What that costs, plainly: a visit shows in the reader's history up to that long later (the history page writes its
own process's pending visits first); a process killed outright loses at most that much of plain visits, never a
save, a reading position or a read counted for a publisher (each of those is written at once); a process that
exits normally writes what is pending (atexit); a batch that fails is kept for the next try, and a visit to an
article or by a reader deleted in the meantime is dropped, not retried. At 0 each visit is written at once (the
test suite, whose tests each run in one transaction).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from contextlib import nullcontext
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.reading.models import HistoryEntry

log = logging.getLogger(__name__)

Visit = tuple[int, int, datetime]  # reader id, article id, when


ROWS_PER_STATEMENT = 500  # visits per INSERT: 1,500 parameters, far below SQLite's and PostgreSQL's limits


def write(visits: list[Visit]) -> None:
    """The visits upserted, up to `ROWS_PER_STATEMENT` in one statement: the entry's `last_read_at` moves forward only
    (a reading position written at once may be newer), and a visit whose reader or article is gone is skipped.

    One statement for many rows, not one statement run for each (`executemany`): the database driver gives the
    interpreter up and takes it back around every statement it runs, and with a web worker's threads waiting for
    it, each of those handovers woke a thread, ~1,150 a second a worker in the members' benchmark (bench/RESULTS.md)."""
    quote = connection.ops.quote_name
    history, articles, users = (quote(model._meta.db_table) for model in (HistoryEntry, Article, User))
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM stores it (SQLite: naive UTC text)
    with transaction.atomic() if len(visits) > ROWS_PER_STATEMENT else nullcontext(), connection.cursor() as cursor:
        for start in range(0, len(visits), ROWS_PER_STATEMENT):
            chunk = visits[start : start + ROWS_PER_STATEMENT]
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH visit (user_id, article_id, at) AS (VALUES {rows})"
                f" INSERT INTO {history} (user_id, article_id, first_read_at, last_read_at, progress, position)"
                f" SELECT user_id, article_id, at, at, 0, 0 FROM visit"
                f" WHERE EXISTS (SELECT 1 FROM {articles} WHERE id = visit.article_id)"
                f" AND EXISTS (SELECT 1 FROM {users} WHERE id = visit.user_id)"
                f" ON CONFLICT (user_id, article_id) DO UPDATE SET last_read_at = CASE"
                f" WHEN excluded.last_read_at > {history}.last_read_at THEN excluded.last_read_at"
                f" ELSE {history}.last_read_at END",
                [value for user_id, article_id, at in chunk for value in (user_id, article_id, adapt(at))],
            )


class VisitLog:
    """The visits this process has yet to write, and the thread that writes them."""

    def __init__(self) -> None:
        self._pending: dict[tuple[int, int], datetime] = {}
        self._lock = threading.Lock()
        self._writer_pid: int | None = None  # the process whose thread is running (a fork has none)

    def note(self, user_id: int, article_id: int, *, now: datetime) -> None:
        every = settings.HISTORY_WRITE_SECONDS
        if every <= 0:
            write([(user_id, article_id, now)])
            return
        with self._lock:
            self._keep({(user_id, article_id): now})
            if self._writer_pid != os.getpid():
                self._writer_pid = os.getpid()
                threading.Thread(target=self._run, args=(every,), name="history-visits", daemon=True).start()
                atexit.register(self.flush)

    def flush(self) -> int:
        """Write what is pending now; returns how many visits went."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        try:
            write([(user_id, article_id, at) for (user_id, article_id), at in pending.items()])
        except Exception:
            with self._lock:
                self._keep(pending)
            raise
        return len(pending)

    def _keep(self, visits: dict[tuple[int, int], datetime]) -> None:
        for key, at in visits.items():
            if key not in self._pending or self._pending[key] < at:
                self._pending[key] = at

    def _run(self, every: float) -> None:
        while True:
            time.sleep(every)
            try:
                self.flush()
            except Exception:
                log.exception("could not write readers' history visits; kept for the next try")
            finally:
                connection.close()  # this thread's own connection, not held between batches


visits = VisitLog()
