"""Replay real feed snapshots through parse + normalize and check the links we would store
(`python -m bench.replay_links`).

Data: the snapshot directory `bench.parse` reads (manifest.csv and gzipped documents; by default
/work/shared/data/feeds, two weeks of 14 publishers' feeds). Snapshots carry no URL, so each publisher's documents
are read as if fetched from `https://<publisher>.feeds.example/feed.xml` (real feeds' links are absolute; the few
relative ones resolve against the site link, see normalize).

For every entry of every snapshot, the stored link (the real stages: `parse_feed`, then `normalize_entries` on
that entry) is set beside feedparser's reading of the same bytes, its tracking fields dropped by our rule field by
field, the rest of its query as written. Reported over distinct stored links:
- links with a parameter `amp;…` (an `&amp;` left in the URL by a double escape);
- links that differ from feedparser's;
- articles stored under more than one link (one feedparser link, several of ours): "every distinct link stored
  once" means 0;
- stored links that feedparser reads as several (two articles merged by us, or one article read two ways by
  feedparser: its loose parser reads `&amp;amp;ref=rss` as `&ampref=rss` in one snapshot and `&ref=rss` in the
  next).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit
from xml.sax import SAXException

import feedparser

from bench.parse import DEFAULT_DATA, load_snapshots
from newsstand.core import urls
from newsstand.ingest.stages.normalize import normalize_entries
from newsstand.ingest.stages.parse import parse_feed
from newsstand.ingest.types import ParsedFeed

NOW = datetime(2030, 1, 1, tzinfo=UTC)  # only clamps future dates, which play no part in links


def feed_url(publisher: str) -> str:
    return f"https://{publisher}.feeds.example/feed.xml"


def without_tracking(url: str) -> str:
    """feedparser's link with the fields our rule calls tracking dropped, everything else as written."""
    before_fragment, hash_mark, fragment = url.partition("#")
    head, _, query = before_fragment.partition("?")
    if not query:
        return url
    fields = query.split("&")
    kept = [f for f in fields if not urls.is_tracking_param(*(unquote_plus(p) for p in f.partition("=")[::2]))]
    if kept == fields:
        return url
    return head + ("?" + "&".join(kept) if kept else "") + hash_mark + fragment


def has_amp_parameter(url: str) -> bool:
    try:
        query = urlsplit(url).query
    except ValueError:
        return False
    return any(unquote_plus(f).lower().startswith("amp;") for f in query.split("&"))


def stored_links(body: bytes, url: str) -> list[str]:
    """The link normalize stores for each entry the parse stage reads, in document order."""
    parsed = parse_feed(body, url=url)
    links = []
    for raw in parsed.entries:
        one = ParsedFeed(link=parsed.link, format=parsed.format, language=parsed.language, entries=[raw])
        entries = normalize_entries(one, feed_url=url, base_url=url, full_text_mode="never", now=NOW)
        links.append(entries[0].url if entries else "")
    return links


def feedparser_links(body: bytes, url: str) -> tuple[list[str], bool]:
    """feedparser's links, and whether it had to read the document with its loose parser (not well-formed): that parser
    mangles a double escape (`&amp;amp;ref=rss` becomes a parameter `ampref`), browsers do not."""
    result = feedparser.parse(body, response_headers={"content-location": url})
    links = []
    for entry in result.entries:
        link = (entry.get("link") or "").strip()
        links.append(without_tracking(link) if urls.is_http_url(link) else "")
    return links, isinstance(result.get("bozo_exception"), SAXException)


@dataclass
class Replay:
    documents: int = 0
    entries: int = 0
    unpaired_documents: int = 0  # documents where the two readers find a different number of entries
    ours_by_theirs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    theirs_by_ours: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    examples: dict[str, str] = field(default_factory=dict)  # a differing stored link -> feedparser's
    loose: set[str] = field(default_factory=set)  # differing stored links from documents feedparser read loosely
    by_publisher: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def replay(data: Path) -> Replay:
    result = Replay()
    for snapshot in load_snapshots(data):
        url = feed_url(snapshot.publisher)
        ours = stored_links(snapshot.body, url)
        theirs, loose = feedparser_links(snapshot.body, url)
        result.by_publisher[snapshot.publisher].update(link for link in ours if link)
        result.documents += 1
        result.entries += len(ours)
        if len(ours) != len(theirs):
            result.unpaired_documents += 1
            continue
        for mine, their in zip(ours, theirs, strict=True):
            if not mine and not their:
                continue
            result.ours_by_theirs[their].add(mine)
            result.theirs_by_ours[mine].add(their)
            if mine != their:
                result.examples.setdefault(mine, their)
                if loose:
                    result.loose.add(mine)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="snapshot directory (manifest.csv)")
    parser.add_argument("--examples", type=int, default=5, help="differing links to print")
    args = parser.parse_args(argv)
    if not (args.data / "manifest.csv").exists():
        print(f"No benchmark data at {args.data} (expected manifest.csv and its snapshots); nothing to do.")
        return 0
    result = replay(args.data)
    stored = set(result.theirs_by_ours) - {""}
    amp = sum(1 for link in stored if has_amp_parameter(link))
    differing = len(result.examples)
    split = sum(1 for ours in result.ours_by_theirs.values() if len(ours) > 1)
    merged = sum(1 for theirs in result.theirs_by_ours.values() if len(theirs) > 1)
    print(f"{result.documents} documents, {result.entries} entries ({result.unpaired_documents} documents unpaired)")
    print(f"distinct stored links: {len(stored)}; distinct feedparser links: {len(set(result.ours_by_theirs) - {''})}")
    print(f"stored links with an amp; parameter: {amp}")
    print(f"stored links that differ from feedparser's: {differing} ({len(result.loose)} where feedparser read the")
    print("  document with its loose parser, the XML being malformed; the rest where it read it as XML)")
    print(f"articles stored under several links: {split}; stored links feedparser reads as several: {merged}")
    for publisher, links in sorted(result.by_publisher.items()):
        amp_here = sum(1 for link in links if has_amp_parameter(link))
        print(f"  {publisher:<16}{len(links):>6} distinct stored links, {amp_here:>4} with amp;")
    for mine, their in list(result.examples.items())[: args.examples]:
        print(f"  ours {mine}\n  feedparser {their}")
    for their, ours in result.ours_by_theirs.items():
        if len(ours) > 1:
            print(f"  one feedparser link {their} stored as {sorted(ours)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
