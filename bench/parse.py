"""The parse stage against fastfeedparser and feedparser on real feed snapshots (`python -m bench.parse`).

Data: a directory with `manifest.csv` (columns `feed` and `path`) and the gzipped snapshots it names, the format
of /work/shared/data/feeds (the default).

Cost: process CPU time per entry for the whole call, decoding and dates included, each reader over every
snapshot in turn. Fidelity beside it: entries read and entries with a published date, against feedparser's count
of the same documents (the lenient reference), and how many documents differ in their entry count.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import fastfeedparser
import feedparser

from newsstand.ingest.stages.parse import parse_feed

DEFAULT_DATA = Path("/work/shared/data/feeds")
SNAPSHOT_URL = "https://example.com/"  # snapshots carry no fetched URL; absolute links make it irrelevant


@dataclass(frozen=True)
class Snapshot:
    publisher: str
    path: str  # as the manifest names it
    body: bytes


def load_snapshots(root: Path) -> Iterator[Snapshot]:
    """The manifest's snapshots in its order, decompressed."""
    with (root / "manifest.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            with gzip.open(root / row["path"]) as snapshot:
                yield Snapshot(publisher=row["feed"], path=row["path"], body=snapshot.read())


def _newsstand(body: bytes) -> object:
    return parse_feed(body, url=SNAPSHOT_URL)


READERS: dict[str, Callable[[bytes], object]] = {
    "newsstand": _newsstand,
    "fastfeedparser": fastfeedparser.parse,
    "feedparser": feedparser.parse,
}


def cpu_seconds(read: Callable[[bytes], object], documents: list[bytes]) -> float:
    started = time.process_time()
    for body in documents:
        read(body)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="snapshot directory (manifest.csv)")
    args = parser.parse_args(argv)
    if not (args.data / "manifest.csv").exists():
        print(f"No benchmark data at {args.data} (expected manifest.csv and its snapshots); nothing to do.")
        return 0
    documents = [snapshot.body for snapshot in load_snapshots(args.data)]
    ours = [parse_feed(body, url=SNAPSHOT_URL) for body in documents]
    theirs = [feedparser.parse(body) for body in documents]
    total = sum(len(feed.entries) for feed in ours)
    print(f"{len(documents)} documents from {args.data}, {total} entries")
    for name, read in READERS.items():
        elapsed = cpu_seconds(read, documents)
        print(f"{name:<15}{elapsed / max(total, 1) * 1e6:8.1f} µs/entry")
    their_total = sum(len(result.entries) for result in theirs)
    differing = sum(1 for a, b in zip(ours, theirs, strict=True) if len(a.entries) != len(b.entries))
    dated = sum(1 for feed in ours for entry in feed.entries if entry.published)
    their_dated = sum(1 for result in theirs for entry in result.entries if entry.get("published_parsed"))
    print(f"entries: newsstand {total}, feedparser {their_total}; documents with a different count: {differing}")
    print(f"entries with a published date: newsstand {dated}, feedparser {their_dated}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
