"""The peer: lemon24's `reader` (3.26) crawling the same simulated web, for the crawl benchmark's comparison.

Runs inside its own venv (bench/.venv-reader, made by bench.crawl) and imports nothing from newsstand. One phase
per process, as newsstand's crawler is run, so CPU and peak memory are measured the same way for both:

    python bench/reader_peer.py --db DB --urls FILE cold   # add the feeds, then update them all
    python bench/reader_peer.py --db DB warm               # update them all again (nothing changed: 304s)

Prints one JSON line: seconds spent in update_feeds, entries, per-outcome counts, and the process's own CPU.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter
from pathlib import Path

from reader import make_reader


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=["cold", "warm"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--urls", type=Path)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()

    reader = make_reader(args.db)
    if args.phase == "cold":
        for url in args.urls.read_text().split():
            reader.add_feed(url, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    new = 0
    # scheduled=False: every feed, due or not, as newsstand's `--all` pass does.
    for result in reader.update_feeds_iter(workers=args.workers, scheduled=False):
        if result.error is not None:
            outcomes[f"error:{type(result.error.__cause__ or result.error).__name__}"] += 1
        elif result.updated_feed is None:
            outcomes["not_modified"] += 1
        else:
            outcomes["ok"] += 1
            new += result.updated_feed.new
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    entries = reader.get_entry_counts().total
    reader.close()
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "new_entries": new,
                "entries": entries,
                "outcomes": dict(outcomes),
                "cpu_self": cpu,
                "maxrss_mb": after.ru_maxrss / 1024,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
