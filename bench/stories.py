"""The stories benchmark: clustering quality through the real ingestion path, and how assignment scales.

    python -m bench.stories            # quality on AllSides and the dense set, scaling at 10k, 100k and 1M
    python -m bench.stories --quick    # scaling stops at 100k
    python -m bench.stories --limit 40 --scale 2000 --json-out x.json   # tiny, for the smoke test

Quality. Each labelled item becomes an RSS item in its publisher's feed, served on loopback
(testkit.webserver). A fresh database (temporary NEWSSTAND_DATA_DIR) is migrated, the feeds are
imported (`newsstand import-opml --full-text never`: the feed's title and description are all the text there is),
crawled (`newsstand crawl --once --all`), and the task queue the pipeline filled after storing is drained
(`newsstand worker --batch`): the stories are what that path produced. `newsstand export articles` gives each
article's story_id; the item's GUID maps it back to its gold event. Scores: BCubed precision, recall and F1 (per
item, averaged) and pairwise precision, recall and F1 (over pairs of items).

- AllSides (../shared/data/stories/allsides_events_dev.jsonl): title, text excerpt as the description,
  publisher; publication time = the event's date minus a seeded uniform offset in [0, 48 h] (the roundup gives one
  date per event and its articles precede it; `--spread-hours`). bench/stories_quality.py uses the same rule
  (this `load_allsides`), so its in-memory figures predict these. The whole set is ingested together; scores are reported on the events with even
  ids (the engine is tuned on them), on those with odd ids (held out) and on all, each restricted to its own
  items; and on the held-out news events alone (without AllSides' perspectives roundups, which group opinion
  pieces by theme rather than by event).
- Dense (bench/data/dense_headlines.jsonl): 423 hand-labelled headlines from 13 outlets over 17 hours, with
  their real publication times; scored on all items and on the non-borderline ones.

The naive baseline (TF-IDF over headline + description, single link within two days, bench._stories_baseline)
runs on the same items and times, its threshold tuned on the even AllSides events.

Scaling. bench._stories_scaling: the engine in memory, loaded with N synthetic articles made from the real
vocabulary of ../shared/data/feeds spread over the window, then milliseconds per further assignment (median,
p95) and the resident memory the loaded window takes.

The worst errors on the dense set (events split, events merged) are written to bench/out/stories_errors.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench import _stories_baseline as baseline
from bench import story_evaluation

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
ALLSIDES = SHARED / "stories" / "allsides_events_dev.jsonl"
DENSE = ROOT / "bench" / "data" / "dense_headlines.jsonl"
OUT_DIR = ROOT / "bench" / "out"
GUID_PREFIX = "newsstand-bench-stories:"
SPREAD = timedelta(hours=48)  # AllSides times: uniform within this span BEFORE the event's date
STEP_TIMEOUT = 900.0
TARGET_F1 = 0.95  # BCubed F1 through the ingestion path, on held-out AllSides events (the issue)

Key = Hashable
Scores = dict[str, float]


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled article as the benchmark serves it."""

    key: str  # unique; becomes the RSS GUID
    publisher: str
    title: str
    summary: str
    link: str
    published_at: datetime
    event: str  # gold event
    part: str  # "even" / "odd" (AllSides event id parity) or "dense"
    # Dense set: a second annotator could decide otherwise. AllSides: a perspectives roundup (opinion pieces
    # grouped by theme, "Free Speech", rather than one event).
    borderline: bool = False


# -- labelled sets -------------------------------------------------------------------------------------------------


def load_allsides(
    path: Path = ALLSIDES, *, seed: int = 0, limit: int | None = None, spread: timedelta = SPREAD
) -> list[Item]:
    """The AllSides events as items; one item per URL (the first), times spread deterministically (uniform,
    seeded per item) within the `spread` before the event's date. `limit` keeps the first N events (smoke test)."""
    items: list[Item] = []
    seen_urls: set[str] = set()
    events: list[int] = []
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            row = json.loads(line)
            if row["event_id"] not in events:
                events.append(row["event_id"])
            if limit is not None and len(events) > limit:
                break
            if row["url"] in seen_urls:
                continue
            seen_urls.add(row["url"])
            offset = -random.Random(f"{seed}:{index}").random() * spread
            when = datetime.fromisoformat(row["event_date"]).astimezone(UTC) + offset
            items.append(
                Item(
                    key=f"a{index:04d}",
                    publisher=row["publisher"],
                    title=row["title"],
                    summary=row["text_excerpt"],
                    link=row["url"],
                    published_at=when.replace(microsecond=0),
                    event=f"allsides-{row['event_id']}",
                    part="even" if row["event_id"] % 2 == 0 else "odd",
                    borderline=bool(row.get("is_perspectives_roundup")),
                )
            )
    return items


def load_dense(path: Path = DENSE, *, limit: int | None = None) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            items.append(
                Item(
                    key=row["item_id"],
                    publisher=row["publisher"],
                    title=row["title"],
                    summary=row["summary"],
                    link=row["link"],
                    published_at=datetime.fromisoformat(row["published_at"]).astimezone(UTC),
                    event=row["event_id"],
                    part="dense",
                    borderline=row["borderline"],
                )
            )
    return items[:limit] if limit is not None else items


# -- scores ----------------------------------------------------------------------------------------------------------


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _groups(labels: Mapping[Key, Hashable]) -> dict[Hashable, set[Key]]:
    groups: dict[Hashable, set[Key]] = defaultdict(set)
    for key, label in labels.items():
        groups[label].add(key)
    return groups


def _bcubed(pred: Mapping[Key, Hashable], gold: Mapping[Key, Hashable]) -> tuple[float, float, float]:
    """BCubed precision, recall, F1: per item, the share of its predicted cluster that shares its gold event (P)
    and the share of its gold event inside its predicted cluster (R), averaged over the items."""
    if not gold:
        return 0.0, 0.0, 0.0
    pred_groups, gold_groups = _groups(pred), _groups(gold)
    precision = recall = 0.0
    for key in gold:
        mine, truth = pred_groups[pred[key]], gold_groups[gold[key]]
        overlap = len(mine & truth)
        precision += overlap / len(mine)
        recall += overlap / len(truth)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, _f1(precision, recall)


def _pairwise(pred: Mapping[Key, Hashable], gold: Mapping[Key, Hashable]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 over pairs of items put together; 1.0 where there is no pair to judge."""

    def pairs(groups: dict[Hashable, set[Key]]) -> int:
        return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())

    together = Counter((pred[key], gold[key]) for key in gold)
    true_pairs = sum(n * (n - 1) // 2 for n in together.values())
    predicted, actual = pairs(_groups(pred)), pairs(_groups(gold))
    precision = true_pairs / predicted if predicted else 1.0
    recall = true_pairs / actual if actual else 1.0
    return precision, recall, _f1(precision, recall)


def _metrics() -> tuple[Callable, Callable, str]:
    """The shared evaluation functions (bench.story_evaluation), so that every bench reports the same figures."""
    return story_evaluation.bcubed, story_evaluation.pairwise, "bench.story_evaluation"


def score(pred: Mapping[Key, Hashable], items: Sequence[Item]) -> Scores:
    """Both scores on `items` (pred restricted to them: a merge with an item outside the subset costs nothing)."""
    bcubed, pairwise, _ = _metrics()
    gold = {item.key: item.event for item in items}
    mine = {item.key: pred[item.key] for item in items}
    bp, br, bf = bcubed(mine, gold)
    pp, pr, pf = pairwise(mine, gold)
    return {
        "items": len(items),
        "events": len(set(gold.values())),
        "stories": len(set(mine.values())),
        "bcubed_p": bp,
        "bcubed_r": br,
        "bcubed_f1": bf,
        "pair_p": pp,
        "pair_r": pr,
        "pair_f1": pf,
    }


# -- feeds on loopback, the real ingestion path ----------------------------------------------------------------------


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "publisher"


def rss(publisher: str, items: Sequence[Item], *, home: str) -> str:
    """An RSS 2.0 document, newest first, as publishers write them."""
    entries = []
    for item in sorted(items, key=lambda i: i.published_at, reverse=True):
        entries.append(
            "<item>"
            f"<title>{escape(item.title)}</title>"
            f"<link>{escape(item.link)}</link>"
            f"<description>{escape(item.summary)}</description>"
            f"<pubDate>{format_datetime(item.published_at)}</pubDate>"
            f'<guid isPermaLink="false">{GUID_PREFIX}{item.key}</guid>'
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(publisher)}</title><link>{escape(home)}</link><description>{escape(publisher)}</description>"
        + "".join(entries)
        + "</channel></rss>"
    )


def opml(feeds: Mapping[str, str]) -> str:
    """publisher → feed URL, as an OPML list with our publisher attribute."""
    outlines = "".join(
        f'<outline type="rss" text={quoteattr(name)} xmlUrl={quoteattr(url)} newsstand:publisher={quoteattr(name)}/>'
        for name, url in sorted(feeds.items())
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0" xmlns:newsstand="https://newsstand.invalid/ns/opml/1">'
        f"<head><title>bench.stories</title></head><body>{outlines}</body></opml>"
    )


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NEWSSTAND_DATA_DIR=str(data_dir),
        NEWSSTAND_FETCH_ALLOW_PRIVATE="1",
        DEBUG="0",  # production settings: Django's per-query log costs CPU and memory
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="newsstand.settings",
    )
    return env


def _module(module: str, *args: str, env: dict[str, str]) -> tuple[str, float]:
    """Run `python -m module args` from this tree; (stdout, seconds). Fails loudly with the command's stderr."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout, time.perf_counter() - started


def _newsstand(*args: str, env: dict[str, str]) -> tuple[str, float]:
    return _module("newsstand", *args, env=env)


def _runner(step: str, *, env: dict[str, str]) -> dict:
    stdout, _ = _module("bench._stories_runner", step, env=env)
    return json.loads(stdout.strip().splitlines()[-1])


@dataclass(slots=True)
class Ingested:
    stories: dict[str, int | None]  # item key → story id (None: the article has no story)
    duplicates: dict[str, str]  # item key → the item key it was folded into as a syndicated copy
    path: str  # how stories were assigned: "worker" (the pipeline's queue), "direct" (assign_articles) or "none"
    seconds: dict[str, float]
    counts: dict


def ingest(items: Sequence[Item], *, workdir: Path) -> Ingested:
    """Serve `items` as one feed per publisher on loopback and run them through newsstand into stories."""
    from testkit.webserver import RSS, LoopbackWeb, Response

    by_publisher: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_publisher[item.publisher].append(item)
    (workdir / "data").mkdir(parents=True)
    env = _env(workdir / "data")
    seconds: dict[str, float] = {}
    with LoopbackWeb() as web:
        feeds = {}
        for publisher, its in by_publisher.items():
            path = f"/feeds/{slug(publisher)}.xml"
            web.route(path, Response(body=rss(publisher, its, home=web.url("/")), content_type=RSS))
            feeds[publisher] = web.url(path)
        (workdir / "feeds.opml").write_text(opml(feeds), encoding="utf-8")
        _, seconds["migrate"] = _newsstand("migrate", "--noinput", env=env)
        _, seconds["import"] = _newsstand("import-opml", str(workdir / "feeds.opml"), "--full-text", "never", env=env)
        out, seconds["crawl"] = _newsstand("crawl", "--once", "--all", "--json", env=env)
    crawl = json.loads(out.strip().splitlines()[-1])
    _, seconds["worker"] = _newsstand("worker", "--batch", env=env)
    counts = _runner("counts", env=env)
    path = "worker"
    if counts["with_story"] < counts["articles"]:
        # The hook or the worker left articles without a story: assign them directly, and say so.
        direct = _runner("assign", env=env)
        path = "direct" if "error" not in direct else f"none ({direct['error']})"
        seconds["assign"] = direct["seconds"]
        counts = _runner("counts", env=env)
    counts["crawl"] = crawl
    export = workdir / "articles.jsonl"
    _, seconds["export"] = _newsstand("export", "articles", "--format", "jsonl", "--output", str(export), env=env)

    key_of_article: dict[int, str] = {}
    stories: dict[str, int | None] = {}
    duplicate_of: dict[str, int] = {}
    with export.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            guid = row.get("guid") or ""
            if not guid.startswith(GUID_PREFIX):
                continue
            key = guid[len(GUID_PREFIX) :]
            key_of_article[row["id"]] = key
            stories[key] = row.get("story_id")
            if row.get("duplicate_of"):
                duplicate_of[key] = row["duplicate_of"]
    duplicates = {key: key_of_article.get(original, "?") for key, original in duplicate_of.items()}
    return Ingested(stories=stories, duplicates=duplicates, path=path, seconds=seconds, counts=counts)


def predicted(items: Sequence[Item], stories: Mapping[str, int | None]) -> dict[str, Hashable]:
    """Story per item; an item that was not stored or got no story counts as a story of its own."""
    return {item.key: stories.get(item.key) or f"none:{item.key}" for item in items}


# -- the baseline ----------------------------------------------------------------------------------------------------


def baseline_predictions(items: Sequence[Item], *, threshold: float | None, tune_on: str = "even") -> tuple:
    """(item key → component, threshold). With no threshold given, the grid's best BCubed F1 on the `tune_on`
    part is used (the tuning half, never the held-out one)."""
    texts = [f"{item.title}. {item.summary}" for item in items]
    pairs = baseline.similar_pairs(texts, [item.published_at for item in items])
    if threshold is None:
        tuning = [item for item in items if item.part == tune_on] or list(items)
        best = max(
            baseline.THRESHOLDS,
            key=lambda t: score(_components(items, pairs, t), tuning)["bcubed_f1"],
        )
        threshold = best
    return _components(items, pairs, threshold), threshold


def _components(items: Sequence[Item], pairs, threshold: float) -> dict[str, Hashable]:
    labels = baseline.single_link(len(items), pairs, threshold=threshold)
    return {item.key: label for item, label in zip(items, labels, strict=True)}


# -- errors, for the engine's author ---------------------------------------------------------------------------------


def error_report(items: Sequence[Item], pred: Mapping[str, Hashable], *, worst: int = 15) -> str:
    """The gold events split over most stories and the stories that merge most events, with their headlines."""
    by_key = {item.key: item for item in items}
    gold_groups = _groups({item.key: item.event for item in items})
    pred_groups = _groups({item.key: pred[item.key] for item in items})
    lines: list[str] = []

    def show(keys) -> None:
        for key in sorted(keys, key=lambda k: by_key[k].published_at):
            item = by_key[key]
            lines.append(f"      {key} {item.publisher[:12]:12} {item.published_at:%m-%d %H:%M}  {item.title[:100]}")

    splits = sorted(
        ((len({pred[k] for k in keys}), event, keys) for event, keys in gold_groups.items() if len(keys) > 1),
        key=lambda row: (-row[0], -len(row[2])),
    )
    lines.append("EVENTS SPLIT over several stories (gold event → the stories its items went to)")
    for parts, event, keys in [row for row in splits if row[0] > 1][:worst]:
        label = by_key[next(iter(keys))].event
        lines.append(f"  {event}: {len(keys)} items in {parts} stories")
        for story in sorted({pred[k] for k in keys}, key=str):
            lines.append(f"    story {story}:")
            show([k for k in keys if pred[k] == story])
        del label
    merges = sorted(
        ((len({by_key[k].event for k in keys}), story, keys) for story, keys in pred_groups.items()),
        key=lambda row: (-row[0], -len(row[2])),
    )
    lines.append("")
    lines.append("STORIES MERGING several events (story → its items, grouped by gold event)")
    for events, story, keys in [row for row in merges if row[0] > 1][:worst]:
        lines.append(f"  story {story}: {len(keys)} items from {events} events")
        for event in sorted({by_key[k].event for k in keys}):
            lines.append(f"    event {event}:")
            show([k for k in keys if by_key[k].event == event])
    return "\n".join(lines) + "\n"


# -- the report ------------------------------------------------------------------------------------------------------


def table(rows: Sequence[tuple[str, str, Scores]]) -> str:
    header = (
        "| set | clustering | items | events | stories | BCubed P | BCubed R | BCubed F1 | pair P | pair R | pair F1 |"
    )
    lines = [header, "|" + "---|" * 11]
    for name, method, s in rows:
        lines.append(
            f"| {name} | {method} | {s['items']} | {s['events']} | {s['stories']} | {s['bcubed_p']:.3f} | "
            f"{s['bcubed_r']:.3f} | {s['bcubed_f1']:.3f} | {s['pair_p']:.3f} | {s['pair_r']:.3f} | {s['pair_f1']:.3f} |"
        )
    return "\n".join(lines)


def quality(*, allsides_path: Path, limit: int | None, seed: int, spread: timedelta, errors_out: Path | None) -> dict:
    allsides = load_allsides(allsides_path, seed=seed, limit=limit, spread=spread)
    dense = load_dense(limit=None if limit is None else limit * 3)
    results: dict = {"metrics": _metrics()[2]}
    rows: list[tuple[str, str, Scores]] = []
    with tempfile.TemporaryDirectory(prefix="bench-stories-") as tmp:
        ran_allsides = ingest(allsides, workdir=Path(tmp) / "allsides")
        ran_dense = ingest(dense, workdir=Path(tmp) / "dense")
    base_allsides, threshold = baseline_predictions(allsides, threshold=None)
    base_dense, _ = baseline_predictions(dense, threshold=threshold)
    engine_allsides = predicted(allsides, ran_allsides.stories)
    engine_dense = predicted(dense, ran_dense.stories)
    parts = {
        "AllSides odd ids (held out)": [i for i in allsides if i.part == "odd"],
        "AllSides odd ids, news events only": [i for i in allsides if i.part == "odd" and not i.borderline],
        "AllSides even ids (tuning)": [i for i in allsides if i.part == "even"],
        "AllSides all": allsides,
    }
    for name, subset in parts.items():
        rows.append((name, "newsstand", score(engine_allsides, subset)))
        rows.append((name, f"baseline t={threshold}", score(base_allsides, subset)))
    firm = [i for i in dense if not i.borderline]
    # For scale: the baseline at the threshold that suits this set best (an oracle no one could tune in
    # advance), and every item alone (singletons dominate a dense stream, so this is far from zero).
    oracle_dense, oracle = baseline_predictions(dense, threshold=None, tune_on="dense")
    alone = {item.key: item.key for item in dense}
    for name, subset in {"dense all": dense, "dense non-borderline": firm}.items():
        rows.append((name, "newsstand", score(engine_dense, subset)))
        rows.append((name, f"baseline t={threshold}", score(base_dense, subset)))
        rows.append((name, f"baseline t={oracle} (best here)", score(oracle_dense, subset)))
        rows.append((name, "every item alone", score(alone, subset)))
    results["rows"] = [{"set": n, "clustering": m, **s} for n, m, s in rows]
    results["table"] = table(rows)
    results["threshold"] = threshold
    for name, ran in (("allsides", ran_allsides), ("dense", ran_dense)):
        results[name] = {
            "path": ran.path,
            "seconds": ran.seconds,
            "counts": ran.counts,
            "stored": len(ran.stories),
            "duplicates": ran.duplicates,
        }
    if errors_out is not None:
        errors_out.parent.mkdir(parents=True, exist_ok=True)
        errors_out.write_text(
            "bench.stories: worst clustering errors on the dense headline set (newsstand engine)\n\n"
            + error_report(dense, engine_dense)
            + "\n\nAllSides held-out (odd ids)\n\n"
            + error_report(parts["AllSides odd ids (held out)"], engine_allsides, worst=8),
            encoding="utf-8",
        )
        results["errors_file"] = str(errors_out)
    return results


def engine_version() -> str:
    """The commit, and whether the stories engine differs from it (figures belong to the code that made them)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", "newsstand/stories"], cwd=ROOT, capture_output=True, text=True
    )
    if commit.returncode != 0:
        return "unknown (not a git checkout)"
    return commit.stdout.strip() + (" + uncommitted changes in newsstand/stories" if changed.stdout.strip() else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="scaling stops at 100k articles")
    parser.add_argument("--limit", type=int, default=None, help="only the first N AllSides events (3N dense items)")
    parser.add_argument("--scale", type=int, nargs="*", default=None, help="window sizes for scaling")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spread-hours", type=float, default=48.0, help="AllSides times: within this before the date")
    parser.add_argument("--allsides", type=Path, default=ALLSIDES, help="labelled AllSides events (JSON Lines)")
    parser.add_argument(
        "--vocab",
        choices=["feeds", "dense"],
        default="feeds",
        help="scaling vocabulary: the shared feed snapshots, or the dense set's headlines (small, for tests)",
    )
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--errors-out", type=Path, default=OUT_DIR / "stories_errors.txt")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # tables appear as each part ends

    report: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "engine": engine_version()}
    print(f"bench.stories, engine at {report['engine']}")
    if not args.skip_quality:
        started = time.perf_counter()
        report["quality"] = quality(
            allsides_path=args.allsides,
            limit=args.limit,
            seed=args.seed,
            spread=timedelta(hours=args.spread_hours),
            errors_out=args.errors_out,
        )
        q = report["quality"]
        print(f"Clustering quality through the ingestion path (scores by {q['metrics']})")
        print(q["table"])
        for name in ("allsides", "dense"):
            ran = q[name]
            seconds = ", ".join(f"{k} {v:.1f}s" for k, v in ran["seconds"].items())
            print(
                f"  {name}: {ran['stored']} articles stored, {ran['counts']['stories']} stories, "
                f"{len(ran['duplicates'])} folded as syndicated copies; stories assigned by {ran['path']}; {seconds}"
            )
        held_out = next(r for r in q["rows"] if r["set"].startswith("AllSides odd") and r["clustering"] == "newsstand")
        verdict = "meets" if held_out["bcubed_f1"] >= TARGET_F1 else "misses"
        print(f"  held-out BCubed F1 {held_out['bcubed_f1']:.3f} {verdict} the target {TARGET_F1}")
        if "errors_file" in q:
            print(f"  worst errors: {q['errors_file']}")
        print(f"  ({time.perf_counter() - started:.0f} s)")
    if not args.skip_scaling:
        from bench import _stories_scaling as scaling

        sizes = args.scale or ([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
        texts = [(i.title, i.summary) for i in load_dense()] if args.vocab == "dense" else ()
        report["scaling"] = scaling.run(sizes, texts=texts)
        print()
        print(scaling.table(report["scaling"]))
    if args.json_out is not None:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
