"""Story clustering quality in memory, with the same items, times and text as the real path (bench/stories.py).

Data, shared with bench.stories so that these figures predict the real path's:
- AllSides (../shared/data/stories/allsides_events_dev.jsonl, `bench.stories.load_allsides`): one item per URL,
  publication time = the event's date minus a seeded uniform offset in [0, 48 h]. Tuned on even event ids,
  reported on odd ones (held out); the whole set is clustered as one stream and scored per part.
- Dense (bench/data/dense_headlines.jsonl, `bench.stories.load_dense`): real publication times. Split by event:
  events whose CRC-32 is even tune, odd ones are held out; one stream, scored per part.
Text: what the store stage keeps (title, sanitised summary; no full text) through `features.of_stored`, the
recipe services uses. Items are fed in publication order.

    python -m bench.stories_quality            # the table: naive baseline vs engine, per part
    python -m bench.stories_quality --grid     # sweep parameters, scored on the tuning parts only
    python -m bench.stories_quality --real     # the same table through the real ingestion path (bench.stories)
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
import zlib
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import stories as real
from bench.story_evaluation import bcubed, pairwise
from newsstand.core import html
from newsstand.stories import features
from newsstand.stories.clustering import DEFAULT_PARAMS, ArticleInput, Params, StoryEngine

ROOT = Path(__file__).resolve().parent.parent
DATA = real.ALLSIDES
Item = real.Item


def load(path: Path = DATA) -> list[Item]:
    return real.load_allsides(path)


def dense_part(item: Item) -> str:
    """'tune' or 'held' by the event's CRC-32 (stable across runs and Python versions, unlike hash())."""
    return "tune" if zlib.crc32(item.event.encode()) % 2 == 0 else "held"


_FEATURES: dict[tuple[str, str, str], tuple[features.Features, float]] = {}


def features_of(item: Item) -> tuple[features.Features, float]:
    """What the real path computes for the item (features.of_stored on the stored title and summary) and the CPU
    seconds it took; once per run. The feed's description becomes the sanitised summary; its text is the text."""
    key = (item.key, item.title, item.summary)
    if key not in _FEATURES:
        start = time.process_time()
        title = html.plain_text(item.title)
        text = html.html_to_text(item.summary)
        f = features.of_stored(title=title, summary_html=item.summary, text=text, full_text=False)
        _FEATURES[key] = (f, time.process_time() - start)
    return _FEATURES[key]


def run_engine(items: Sequence[Item], params: Params = DEFAULT_PARAMS) -> tuple[dict[str, int], float]:
    """Cluster `items` as one stream in publication order; (item key -> story, CPU seconds including features)."""
    ordered = sorted(items, key=lambda i: (i.published_at, i.key))
    feature_cpu = sum(features_of(i)[1] for i in ordered)
    start = time.process_time()
    engine = StoryEngine(params=params)
    counter = itertools.count(1)
    publishers: dict[str, int] = {}
    placed: dict[str, int] = {}
    members: dict[int, list[str]] = {}
    for n, item in enumerate(ordered):
        article = ArticleInput(
            id=n,
            terms=features_of(item)[0].terms,
            published_at=item.published_at,
            publisher_id=publishers.setdefault(item.publisher, len(publishers)),
            headline_only=features_of(item)[0].headline_only,
        )
        story, assignment = engine.place(article, new_id=lambda: next(counter))
        placed[item.key] = story
        members.setdefault(story, []).append(item.key)
        for other in assignment.merge_ids:  # merged stories' articles follow
            for key in members.pop(other, []):
                placed[key] = story
                members[story].append(key)
    return placed, time.process_time() - start + feature_cpu


def scores(pred: dict[str, Hashable], items: Sequence[Item]) -> tuple[float, ...]:
    gold = {i.key: i.event for i in items}
    mine = {i.key: pred[i.key] for i in items}
    return bcubed(mine, gold) + pairwise(mine, gold)


def parts(allsides: Sequence[Item], dense: Sequence[Item]) -> dict[str, list[Item]]:
    return {
        "AllSides even (tune)": [i for i in allsides if i.part == "even"],
        "AllSides odd (held out)": [i for i in allsides if i.part == "odd"],
        "dense tune": [i for i in dense if dense_part(i) == "tune"],
        "dense held out": [i for i in dense if dense_part(i) == "held"],
    }


def baselines(allsides: Sequence[Item], dense: Sequence[Item]) -> tuple[dict, dict, float]:
    """bench.stories' naive baseline (threshold tuned on the even AllSides events), on both streams."""
    base_allsides, threshold = real.baseline_predictions(allsides, threshold=None)
    base_dense, _ = real.baseline_predictions(dense, threshold=threshold)
    return base_allsides, base_dense, threshold


GRID = {  # each sweep scored on the tuning parts only (even AllSides events, dense "tune" events)
    "overlap_terms": [0.0, 4.0, 5.0, 6.0],
    "min_shared": [0, 2],
    "boilerplate_share": [0.0, 0.3],
}


def tune(allsides: list[Item], dense: list[Item]) -> list[tuple[float, float, Params]]:
    """Every grid point's BCubed F1 on the two tuning parts, best mean first."""
    results = []
    tuning = parts(allsides, dense)
    for values in itertools.product(*GRID.values()):
        params = replace(DEFAULT_PARAMS, **dict(zip(GRID, values, strict=True)))
        f_allsides = scores(run_engine(allsides, params)[0], tuning["AllSides even (tune)"])[2]
        f_dense = scores(run_engine(dense, params)[0], tuning["dense tune"])[2]
        results.append((f_allsides, f_dense, params))
    return sorted(results, key=lambda r: -(r[0] + r[1]))


HEADER = (
    f"{'set':<24} {'clustering':<22} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}   {'pw P':>6} {'pw R':>6} {'pw F1':>6}   "
    f"{'clust':>5} {'ms/item':>8}"
)


def row(name: str, method: str, pred: dict[str, Hashable], items: list[Item], cpu: float | None = None) -> str:
    bp, br, bf, pp, pr, pf = scores(pred, items)
    per_item = f"{1000 * cpu / len(items):8.2f}" if cpu is not None else f"{'':8}"
    return (
        f"{name:<24} {method:<22} {bp:6.3f} {br:6.3f} {bf:6.3f}   {pp:6.3f} {pr:6.3f} {pf:6.3f}   "
        f"{len({pred[i.key] for i in items}):5d} {per_item}"
    )


def report(allsides: list[Item], dense: list[Item], engine: tuple[dict, dict], cpu: tuple[float, float] | None) -> str:
    """Baseline and engine per part; `engine` = (AllSides predictions, dense predictions)."""
    base_allsides, base_dense, threshold = baselines(allsides, dense)
    lines = [HEADER]
    for name, part in parts(allsides, dense).items():
        is_allsides = name.startswith("AllSides")
        stream = allsides if is_allsides else dense
        base, mine = (base_allsides, engine[0]) if is_allsides else (base_dense, engine[1])
        share = cpu and (cpu[0] if is_allsides else cpu[1]) * len(part) / len(stream)
        lines.append(row(name, f"naive t={threshold}", base, part))
        lines.append(row(name, "engine", mine, part, share))
        if not is_allsides:
            lines.append(row(name, "every item alone", {i.key: i.key for i in part}, part))
    return "\n".join(lines)


def scaling(sizes: list[int], *, probes: int = 2000, seed: int = 7) -> None:
    """ms per assignment with `size` articles in the window: synthetic stories (3 articles each on average) whose
    articles share a few rare terms and draw the rest from a Zipf vocabulary, all within the window."""
    import gc
    import resource
    import statistics

    def rss_mib() -> float:
        gc.collect()
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20

    print(f"{'articles':>9} {'stories':>8} {'load s':>7} {'median ms':>9} {'p95 ms':>7} {'max ms':>7} {'MiB':>7}")
    for size in sizes:
        rng = random.Random(seed)
        vocab = [f"w{i}" for i in range(200_000)]
        weights = [1 / (i + 1) for i in range(len(vocab))]
        t0 = datetime(2026, 11, 24, tzinfo=UTC)
        span = DEFAULT_PARAMS.window.total_seconds()
        before = rss_mib()
        start = time.perf_counter()
        engine = StoryEngine()
        stories = size // 3
        common = rng.choices(vocab[:20_000], weights[:20_000], k=size * 12)
        for s in range(stories):
            rare = [f"r{s}_{k}" for k in range(4)]
            first = t0 + timedelta(seconds=rng.random() * span)
            centroid: dict[str, float] = {}
            for a in range(3):
                terms = {t: 1.0 for t in rare[: 2 + a % 3]} | {
                    t: 1.0 for t in common[(s * 3 + a) * 4 : (s * 3 + a + 1) * 4]
                }
                engine.count_document(terms, first)
                for t, w in terms.items():
                    centroid[t] = centroid.get(t, 0.0) + w / 2.5
            engine.add_story(s, centroid=centroid, first_seen=first, last_seen=first + timedelta(hours=1), size=3)
        load = time.perf_counter() - start
        memory = rss_mib() - before  # the engine's resident memory (the synthetic inputs are included; small)
        times = []
        for p in range(probes):
            s = rng.randrange(stories) if p % 2 else stories + p  # half join a story, half are new events
            terms = {f"r{s}_{k}": 3.0 for k in range(2)} | {t: 1.5 for t in rng.choices(vocab[:20_000], k=10)}
            article = ArticleInput(id=p, terms=terms, published_at=t0 + timedelta(seconds=rng.random() * span))
            begin = time.perf_counter()
            engine.assign(article)
            times.append(1000 * (time.perf_counter() - begin))
        times.sort()
        print(
            f"{size:>9} {stories:>8} {load:7.1f} {statistics.median(times):9.3f} {times[int(0.95 * len(times))]:7.3f} "
            f"{times[-1]:7.2f} {memory:7.0f}",
            flush=True,
        )
        del engine, common
    print(f"(max RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dense-limit", type=int, default=None, help="only the first N dense items (smoke test)")
    parser.add_argument("--grid", action="store_true", help="sweep the engine's parameters on the tuning parts")
    parser.add_argument("--real", action="store_true", help="through the real ingestion path (bench.stories.ingest)")
    parser.add_argument("--scaling", default="", help="comma-separated window sizes to time assignment at")
    args = parser.parse_args(argv)
    if args.scaling:
        scaling([int(n) for n in args.scaling.split(",")])
        return 0
    if not args.data.exists():
        print(f"stories quality: no labelled data at {args.data}; nothing to measure.")
        return 0
    allsides, dense = load(args.data), real.load_dense(limit=args.dense_limit)
    print(
        f"AllSides: {len(allsides)} articles, {len({i.event for i in allsides})} events (times: the 48 h before the "
        f"event date, seeded); dense: {len(dense)} items, {len({i.event for i in dense})} events. Engine: "
        f"{DEFAULT_PARAMS}"
    )
    if args.grid:
        for f_allsides, f_dense, params in tune(allsides, dense):
            changed = {k: getattr(params, k) for k in GRID}
            print(f"  AllSides even {f_allsides:.3f}  dense tune {f_dense:.3f}  {changed}")
        return 0
    if args.real:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="stories-quality-") as tmp:
            ran_allsides = real.ingest(allsides, workdir=Path(tmp) / "allsides")
            ran_dense = real.ingest(dense, workdir=Path(tmp) / "dense")
        print(f"Through the real ingestion path (stories assigned by {ran_allsides.path} / {ran_dense.path})")
        engine = (real.predicted(allsides, ran_allsides.stories), real.predicted(dense, ran_dense.stories))
        print(report(allsides, dense, engine, None))
        return 0
    (pred_allsides, cpu_allsides), (pred_dense, cpu_dense) = run_engine(allsides), run_engine(dense)
    print("In memory")
    print(report(allsides, dense, (pred_allsides, pred_dense), (cpu_allsides, cpu_dense)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
