"""For you against two baselines, with simulated readers of known interests reading through the real endpoints.

    python -m bench.foryou                 # quality: precision@10, nDCG@10, coverage, diversity vs latest, most read
    python -m bench.foryou --set sections  # the same on the denser set: the feed snapshots' publisher sections
    python -m bench.foryou --speed DIR     # speed: the For you list for a reader with 1,000 reads on a kept site

Quality, on one of two labelled sets (`--set`), each through the real ingestion path into stories
(bench.stories.ingest: feeds on loopback, crawl, the story worker) with its times moved into the recent past from
`newsstand.core.clock`, so the news is current:
- *allsides* (the default): the labelled AllSides events (../shared/data/stories/allsides_events_dev.jsonl: each
  article has its event and the event's subject, `event_topic`: "Immigration", "Climate Change", …), each event
  placed at a seeded time in the last three weeks (its articles keep their spread around it); two readers a subject.
- *sections*: the items of the shared feed snapshots (../shared/data/feeds, 14 publishers), each labelled with the
  subject its publisher's URL section states, on one small vocabulary (bench._foryou_sections: sport, business,
  world, politics, …; items of no such section left out), the busiest ten days mapped onto the last week; three
  readers a subject.

Then bench._foryou_runner, in that database: simulated readers, each interested in one subject with at least
`MIN_SUBJECT` articles, read `READS` of its articles (from different events; in the sections set, which has no
events, from different stories) through `POST /history/<id>/` with progress 1, and ask
`GET /api/v1/for-you?limit=10` (session auth). An item is relevant to a reader when it is news on their subject
that they have not read, of the week For you covers: an article of a story they have not read (a story they read
is news they know), counted once per story in a list (a second article of one story adds nothing). Baselines, over
the same unread articles: *latest* (newest first) and *most read* (the most read by all the simulated readers,
newest first among equals). Reported: precision@10, nDCG@10 (binary relevance, ideal = all relevant first),
catalogue coverage (share of the articles shown to anyone) and intra-list diversity (share of pairs in a list on
different subjects). Target (issue 15): nDCG@10 ≥ 2× the better baseline's.

Speed. On a site kept by bench.web (200k articles): a member with 1,000 reads spread over the last month and three
followed publishers asks for the For you page (`GET /for-you/` through Django's test client, in-process: the view,
the selection and the template, no HTTP server) `RUNS` times as they come back to it, `RUNS` times each right
after opening an article (`POST /history/<id>/`; the reader's interests are made again at most once a minute,
`for_you.INTERESTS_FRESH`, so once more with them made again every time), and a quarter as often with every cache
emptied first; p50 and p95 printed for each. Target: p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from bench import stories

ROOT = Path(__file__).resolve().parent.parent
MIN_SUBJECT = 12
READS = 5
NEWS_SPAN_HOURS = 21 * 24
TARGET_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class Labelled:
    """A labelled set as the runner takes it: the items to ingest and, per item key, its subject and event."""

    items: list[stories.Item]
    labels: dict[str, dict[str, str]]  # item key → {"subject": …, "event": …} (no event: the runner uses stories)
    readers_per_subject: int


def current_items(*, now: datetime, seed: int = 1) -> list[stories.Item]:
    """AllSides items with their events moved into the last `NEWS_SPAN_HOURS` (spread within events kept)."""
    items = stories.load_allsides()
    now = now.replace(microsecond=0)
    latest = {}
    for item in items:
        latest[item.event] = max(latest.get(item.event, item.published_at), item.published_at)
    rng = random.Random(seed)
    placed = {event: now - timedelta(hours=1 + rng.random() * (NEWS_SPAN_HOURS - 1)) for event in sorted(latest)}
    return [replace(item, published_at=placed[item.event] - (latest[item.event] - item.published_at)) for item in items]


def subjects() -> dict[str, str]:
    """Article URL → its event's subject."""
    with stories.ALLSIDES.open(encoding="utf-8") as handle:
        return {row["url"]: row["event_topic"] for row in map(json.loads, handle)}


def allsides(*, now: datetime) -> Labelled:
    items = current_items(now=now)
    by_url = subjects()
    labels = {item.key: {"subject": by_url[item.link], "event": item.event} for item in items}
    return Labelled(items=items, labels=labels, readers_per_subject=2)


def sections(*, now: datetime) -> Labelled:
    from bench import _foryou_sections

    pairs = _foryou_sections.items(now=now)
    labels = {item.key: {"subject": about} for item, about in pairs}
    return Labelled(items=[item for item, _ in pairs], labels=labels, readers_per_subject=3)


SETS: dict[str, Callable[..., Labelled]] = {"allsides": allsides, "sections": sections}


def quality(keep: Path | None = None, *, labelled_set: str = "allsides") -> dict:
    from newsstand.core import clock

    chosen = SETS[labelled_set](now=clock.now())
    with tempfile.TemporaryDirectory(prefix="bench-foryou-") as tmp:
        workdir = keep or Path(tmp)
        ingested = stories.ingest(chosen.items, workdir=workdir)
        labels = {stories.GUID_PREFIX + key: label for key, label in chosen.labels.items()}
        (workdir / "labels.json").write_text(json.dumps(labels))
        env = stories._env(workdir / "data")
        done = subprocess.run(
            [sys.executable, "-m", "bench._foryou_runner", "quality", str(workdir / "labels.json"),
             str(chosen.readers_per_subject)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(f"bench._foryou_runner failed:\n{done.stderr[-4000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    result["stories_path"] = ingested.path
    return result


def speed(site: Path) -> dict:
    from bench.web import env_for

    done = subprocess.run(
        [sys.executable, "-m", "bench._foryou_runner", "speed"], cwd=ROOT, env=env_for(site), capture_output=True,
        text=True, timeout=1800,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"bench._foryou_runner failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=Path, help="a site kept by bench.web (--keep DIR): measure speed there")
    parser.add_argument("--keep", type=Path, help="build the quality run's database in this (new) dir and keep it")
    parser.add_argument("--set", choices=sorted(SETS), default="allsides", help="the labelled set for quality")
    args = parser.parse_args(argv)
    if args.speed:
        result = speed(args.speed)
        print(f"For you page (GET /for-you/, in-process), a reader with {result['reads']:,} reads, 3 follows, "
              f"on {result['articles']:,} articles; {result['runs']} runs each:")  # fmt: skip
        for name, label in (("page", "coming back"), ("page_after_read", "after opening an article"),
                            ("page_after_read_remade", "… interests made again"),
                            ("page_cold", "every cache emptied")):  # fmt: skip
            r = result[name]
            verdict = "met" if r["p95_ms"] <= 50 else "NOT met"
            print(
                f"  {label:<26} p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  (target p95 ≤ 50 ms: {verdict})"
            )
        return 0
    result = quality(args.keep, labelled_set=args.set)
    print(
        f"{args.set}: {result['readers']} readers on {result['subjects']} subjects, {result['articles']} articles, "
        f"stories by {result['stories_path']}; "
        f"relevant news per reader: {result['for_you']['relevant']:.1f} stories on average"
    )
    print("| list      | precision@10 | nDCG@10 | coverage | diversity |")
    print("|-----------|-------------:|--------:|---------:|----------:|")
    for name in ("for_you", "latest", "most_read"):
        r = result[name]
        print(
            f"| {name:<9} | {r['precision']:>12.3f} | {r['ndcg']:>7.3f} | {r['coverage']:>8.1%} | "
            f"{r['diversity']:>9.3f} |"
        )
    best = max(result["latest"]["ndcg"], result["most_read"]["ndcg"])
    ratio = result["for_you"]["ndcg"] / best if best else float("inf")
    print(f"nDCG@10 ratio to the better baseline: {ratio:.2f} (target ≥ {TARGET_RATIO:.0f}: "
          f"{'met' if ratio >= TARGET_RATIO else 'NOT met'})")  # fmt: skip
    print(diagnosis(result))
    return 0


def diagnosis(result: dict) -> str:
    """Where For you's hits come from: precision@10 by subject, its cards by reason, its candidate sources."""
    lines = [
        "",
        "precision@10 by the readers' subject:",
        "| subject | For you | latest | most read |",
        "|---|---:|---:|---:|",
    ]
    for subject, mine in result["for_you"]["by_subject"].items():
        lines.append(
            f"| {subject} | {mine:.2f} | {result['latest']['by_subject'][subject]:.2f} | "
            f"{result['most_read']['by_subject'][subject]:.2f} |"
        )
    lines += ["", "For you's cards by reason: cards, of them relevant"]
    for kind, (cards, relevant) in sorted(result["reasons"].items(), key=lambda kv: -kv[1][0]):
        lines.append(f"  {kind}: {cards}, {relevant} ({relevant / cards:.0%})")
    s = result["sources"]
    lines += [
        "",
        f"Candidate sources, per reader on average: relevant stories among the top stories {s['top']:.1f}, the "
        f"week's weightiest {s['weightiest']:.1f}, those sharing a name with the reads {s['named']:.1f}; in the "
        f"whole pool {s['pool']:.1f} of {s['pool_size']:.0f} (of them {s['relevant_similar']:.1f} at or above "
        f"curation.MIN_SIMILARITY); the pool ranked by similarity alone: precision@10 "
        f"{s['pool_by_similarity_p10']:.3f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
