"""The command line of the web server, one definition for `newsstand serve`, the browser tests and bench/web.

granian (Rust HTTP/1 and HTTP/2, calling the WSGI application from a pool of Python threads) replaced gunicorn's
gthread workers, on a measured reason (bench/RESULTS.md, "Web pages", both side by side on the same database):
with 3 workers × 4 threads, cached pages answered at twice the rate (home 10,305 against 4,471 requests/s) with
a third of the p99 (20.8 against 58.6 ms): once a page is cached, parsing the request and writing the response
in Python was most of what a request cost. Two differences the code relies on: granian sends header names in
lower case (HTTP allows it; clients compare them without case), and it calls a response's `close()` before the
bytes go out, so nothing slow may run there (web.caching renews pages on a thread of its own).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable

from django.http import HttpResponse

THREADS = 4  # Python threads per worker: a page waiting on the database lets another run
# How long a Python thread may hold the interpreter before one waiting for it is let in (Python's default: 5 ms).
# A worker's threads mix pages made in 10-20 ms (a miss, a renewal) with pages answered from the cache in a
# fraction of a millisecond that give the interpreter up at each database or cache read: at 5 ms each such read
# could wait behind a render for the whole interval. At 1 ms the tail shortened for anonymous readers and members
# alike, with no loss of throughput (bench/RESULTS.md, "Members' pages, fourth pass": interleaved A/B, three rounds).
SWITCH_INTERVAL = 0.001


def tune_interpreter() -> None:
    """Called by each web worker as it loads the application (newsstand.wsgi)."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def settle_after_start() -> None:
    """Called by each web worker once the application is loaded (newsstand.wsgi): load the URLs (and with them
    every view and what they import), then move everything alive into the collector's permanent generation
    (`gc.freeze`). A full collection walks every tracked object; with the ~200k objects of a loaded Django among
    them, one took 55-90 ms in the middle of a page, the slowest twentieth of For you's lists (bench/RESULTS.md).
    What the start made lives as long as the process anyway."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()
    gc.freeze()


def whole_responses(app: Callable[[dict, Callable], Iterable[bytes]]) -> Callable[[dict, Callable], Iterable[bytes]]:
    """The application, giving a page that is made whole (Django's HttpResponse, not a streamed or file response)
    to the server as a list of its bytes, closed first (what the server would have done once it had the bytes).

    Why: granian sends a list in the thread that called the application, at once; any other iterable it takes a
    chunk at a time, handing each to its I/O thread through a channel with the interpreter lock let go, so every
    page gave the lock up once more and waited to get it back behind the worker's other threads."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        response = app(environ, start_response)
        if not isinstance(response, HttpResponse):
            return response
        try:
            return [response.content]
        finally:
            response.close()

    return application


def default_workers() -> int:
    """One process per core the server may use: with one more (gunicorn's habit), pages made while the cache
    fills waited longer, article p99 93.4 ms against 52.3 ms with 3 and 2 workers on 2 cores (bench/RESULTS.md)."""
    return len(os.sched_getaffinity(0))


def command(
    app: str, *, host: str, port: int, workers: int, threads: int = THREADS, access_log: bool = False
) -> list[str]:
    """`app` is a WSGI callable as "module:name"; workers are processes (a crashed one is started again)."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--workers-kill-timeout", "5",
        "--respawn-failed-workers", "--access-log" if access_log else "--no-access-log",
        "--no-ws",  # WSGI has no websockets; left on, granian says so at every start
        app,
    ]  # fmt: skip
