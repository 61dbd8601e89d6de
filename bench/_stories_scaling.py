"""How story assignment scales with the number of articles in the window (part of bench.stories).

The engine (newsstand.stories.clustering.StoryEngine) is loaded with N synthetic articles spread evenly over the
96 hours around the measured period, so that every measured article sees all N in its ±48 h window. Articles are
made from the real vocabulary of ../shared/data/feeds: the headlines and descriptions of the snapshots, turned
into index terms by stories.features, give (a) event seeds, one real headline + description each, and (b) the
background term frequencies. An event's articles keep each of the seed's terms with probability 0.7 and add a few
background terms drawn by real frequency; event sizes follow a heavy tail (half are single articles, a few reach
hundreds), as news does.

Loading N articles one `place()` at a time would take as long as the thing being measured, N times over, so the
window is bulk-loaded: each article is counted in the IDF (`count_document`) and each event's centroid (the sum of
its articles' unit TF-IDF vectors, what `register` builds) is installed with `add_story`. At the smallest size the
same articles are also loaded through `place()`, to check that the bulk load gives the same assignment costs.

Measured: `place()` (assign + register + merge) for new articles in the middle of the window, half of them joining
existing events and half starting new ones: milliseconds per article, median and p95; the resident memory the
loaded engine holds (RSS growth from an empty engine; the generator's own memory is freed first); and, for
reference, what `features.compute` costs per real headline + description (paid once per article, outside the
engine). The database round trips of `services.assign_articles` are not included.
"""

from __future__ import annotations

import gc
import glob
import gzip
import heapq
import math
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from newsstand.stories import features
from newsstand.stories.clustering import ArticleInput, StoryEngine

FEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "feeds" / "snapshots"
CENTRE = datetime(2021, 6, 1, 12, tzinfo=UTC)
SPAN = timedelta(hours=96)  # the loaded articles lie within ±48 h of the measured ones
KEEP_SEED_TERM = 0.7
PROBES = 1000
PROBE_BUDGET_SECONDS = 30.0  # per size: fewer probes where each is slow
MAX_TEXTS = 10_000  # real headlines used as seeds and for the background frequencies
LOAD_BUDGET_SECONDS = 240.0  # per size: a size that cannot load in time is reported as partial
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_TAGS = re.compile(r"<[^>]+>")


def rss_bytes() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Vocabulary:
    seeds: list[dict[str, float]]  # real headline + description → field-weighted terms
    texts: list[tuple[str, str]]  # the (title, description) they came from
    background: list[str]
    cumulative: list[float]  # cumulative frequencies for random.choices


def vocabulary(*, every: int = 3, sample_texts: Sequence[tuple[str, str]] = ()) -> Vocabulary:
    """Real headlines and descriptions from the feed snapshots (every `every`-th file), or `sample_texts`."""
    texts: dict[str, str] = {}
    if sample_texts:
        texts = dict(sample_texts)
    else:
        parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
        for path in sorted(glob.glob(str(FEEDS / "*" / "*.xml.gz")))[::every]:
            try:
                with gzip.open(path) as handle:
                    root = etree.fromstring(handle.read(), parser)
            except (OSError, etree.XMLSyntaxError):
                continue
            if root is None:
                continue
            for item in root.iter("item"):
                title = (item.findtext("title") or "").strip()
                if title:
                    texts.setdefault(title, _TAGS.sub(" ", item.findtext("description") or "")[:600])
    pairs = list(texts.items())
    if len(pairs) > MAX_TEXTS:
        pairs = random.Random(0).sample(pairs, MAX_TEXTS)
    seeds = [features.compute(title=title, lead=lead).terms for title, lead in pairs]
    frequency: Counter[str] = Counter()
    for terms in seeds:
        frequency.update(terms.keys())
    background = [term for term, _ in frequency.most_common()]
    cumulative, total = [], 0.0
    for term in background:
        total += frequency[term]
        cumulative.append(total)
    return Vocabulary(seeds=seeds, texts=pairs, background=background, cumulative=cumulative)


def event_size(rng: random.Random) -> int:
    """Half single articles; the rest a Pareto tail (mean about 6, a few in the hundreds)."""
    if rng.random() < 0.5:
        return 1
    return min(500, int(rng.paretovariate(1.3)) + 1)


def article_terms(rng: random.Random, seed: dict[str, float], vocab: Vocabulary) -> dict[str, float]:
    terms = {term: weight for term, weight in seed.items() if rng.random() < KEEP_SEED_TERM}
    for term in rng.choices(vocab.background, cum_weights=vocab.cumulative, k=rng.randint(2, 6)):
        terms[term] = terms.get(term, 0.0) + 1.0
    return terms or dict(seed)


def events(n: int, vocab: Vocabulary, *, seed: int = 0) -> Iterator[tuple[dict[str, float], list[float]]]:
    """(seed terms, publication times of its articles) per event, n articles in all, spread over SPAN."""
    rng = random.Random(seed)
    start = (CENTRE - SPAN / 2).timestamp()
    span = SPAN.total_seconds()
    made = 0
    while made < n:
        size = min(event_size(rng), n - made)
        at = start + rng.random() * span
        spread = rng.uniform(1, 24) * 3600
        times = [min(start + span, at + rng.random() * spread) for _ in range(size)]
        made += size
        yield rng.choice(vocab.seeds), times


def bulk_load(engine: StoryEngine, n: int, vocab: Vocabulary, *, budget: float, seed: int = 0) -> tuple[int, int]:
    """Load n articles as described in the module docstring; (articles loaded, stories). Stops at `budget` s.

    Two passes over the same seeded stream (nothing large is kept between them, so the memory measured is the
    engine's): every document into the IDF first, then the centroids, built with the window's final frequencies."""
    started = time.perf_counter()
    generated = list(events(n, vocab, seed=seed))
    rng = random.Random(seed + 1)
    counted = 0
    for seed_terms, times in generated:
        for at in times:
            engine.count_document(article_terms(rng, seed_terms, vocab), datetime.fromtimestamp(at, UTC))
        counted += 1
        if time.perf_counter() - started > budget / 2:
            break
    # One IDF for the whole window (the per-article one differs only at the window's edges): a load of 1M
    # articles then takes about a minute instead of several.
    docs = sum(engine._docs.values())
    df: Counter[str] = Counter()
    for counts in engine._df.values():
        df.update(counts)
    idf = {term: math.log((1 + docs) / (1 + count)) + 1.0 for term, count in df.items()}
    del df
    rng = random.Random(seed + 1)
    limit = engine.params.centroid_terms
    loaded = 0
    for story_id, (seed_terms, times) in enumerate(generated[:counted], start=1):
        centroid: dict[str, float] = {}
        for _ in times:
            terms = article_terms(rng, seed_terms, vocab)
            vec = {term: (1.0 + math.log(w) if w > 1.0 else w) * idf[term] for term, w in terms.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            for term, weight in vec.items():
                centroid[term] = centroid.get(term, 0.0) + weight / norm
        if len(centroid) > limit:
            centroid = dict(heapq.nlargest(limit, centroid.items(), key=lambda kv: kv[1]))
        first, last = datetime.fromtimestamp(min(times), UTC), datetime.fromtimestamp(max(times), UTC)
        engine.add_story(story_id, centroid=centroid, first_seen=first, last_seen=last, size=len(times))
        loaded += len(times)
        if time.perf_counter() - started > budget:
            return loaded, story_id
    return loaded, counted


def place_load(engine: StoryEngine, n: int, vocab: Vocabulary, *, seed: int = 0) -> tuple[int, int]:
    """The same articles through `place()`, in publication order (the honest, slow way)."""
    rng = random.Random(seed + 1)
    articles = []
    for seed_terms, times in events(n, vocab, seed=seed):
        for at in times:
            articles.append((at, article_terms(rng, seed_terms, vocab)))
    articles.sort(key=lambda a: a[0])
    ids = iter(range(10_000_000, 100_000_000))
    for index, (at, terms) in enumerate(articles):
        engine.place(
            ArticleInput(id=index, terms=terms, published_at=datetime.fromtimestamp(at, UTC)), new_id=ids.__next__
        )
    return len(articles), len(engine.stories)


def probe(
    engine: StoryEngine, vocab: Vocabulary, *, count: int = PROBES, budget: float = PROBE_BUDGET_SECONDS, seed: int = 0
) -> list[float]:
    """Milliseconds per place() for `count` new articles in the middle 12 hours of the window (fewer, at least
    100, when they take longer than `budget` seconds in all)."""
    started = time.perf_counter()
    rng = random.Random(seed + 2)
    existing = list(engine.stories)
    ids = iter(range(200_000_000, 300_000_000))
    timings = []
    for index in range(count):
        joins = index % 2 == 0 and existing
        seed_terms = rng.choice(vocab.seeds)
        if joins:
            # Join an existing story: take terms from its centroid (what its articles share).
            story = engine.stories.get(rng.choice(existing))
            if story is not None:
                seed_terms = {term: 3.0 for term in list(story.centroid)[:10]}
        terms = article_terms(rng, seed_terms, vocab)
        when = CENTRE + timedelta(hours=rng.uniform(-6, 6))
        article = ArticleInput(id=300_000_000 + index, terms=terms, published_at=when)
        before = time.perf_counter()
        engine.place(article, new_id=ids.__next__)
        timings.append((time.perf_counter() - before) * 1000.0)
        if index >= 100 and time.perf_counter() - started > budget:
            break
    return timings


def features_cost(vocab: Vocabulary, *, count: int = 2000) -> float:
    """Median milliseconds of features.compute on real headline + description pairs."""
    timings = []
    for title, lead in vocab.texts[:count]:
        started = time.perf_counter()
        features.compute(title=title, lead=lead)
        timings.append((time.perf_counter() - started) * 1000.0)
    return statistics.median(timings) if timings else 0.0


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def run(
    sizes: Sequence[int],
    *,
    probes: int = PROBES,
    budget: float = LOAD_BUDGET_SECONDS,
    every: int = 3,
    texts: Sequence[tuple[str, str]] = (),
) -> dict:
    """Scaling figures for each window size; `texts` replaces the feed snapshots as the vocabulary."""
    started = time.perf_counter()
    vocab = vocabulary(every=every, sample_texts=texts)
    result: dict = {
        "vocabulary": {"texts": len(vocab.texts), "terms": len(vocab.background)},
        "vocabulary_seconds": time.perf_counter() - started,
        "features_ms": features_cost(vocab),
        "sizes": [],
    }
    for index, n in enumerate(sizes):
        gc.collect()
        before = rss_bytes()
        engine = StoryEngine()
        load_started = time.perf_counter()
        loaded, stories = bulk_load(engine, n, vocab, budget=budget)
        load_seconds = time.perf_counter() - load_started
        gc.collect()
        memory = rss_bytes() - before
        timings = probe(engine, vocab, count=probes)
        row = {
            "n": n,
            "loaded": loaded,
            "stories": stories,
            "load": "bulk",
            "load_seconds": load_seconds,
            "rss_mb": memory / 2**20,
            "median_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 0.95),
            "probes": len(timings),
        }
        result["sizes"].append(row)
        del engine
        gc.collect()
        if index == 0 and n <= 20_000:  # the check: the same window loaded the slow, honest way
            engine = StoryEngine()
            load_started = time.perf_counter()
            loaded, stories = place_load(engine, n, vocab)
            load_seconds = time.perf_counter() - load_started
            timings = probe(engine, vocab, count=probes)
            result["sizes"].append(
                {
                    **row,
                    "load": "place()",
                    "stories": stories,
                    "load_seconds": load_seconds,
                    "rss_mb": float("nan"),
                    "median_ms": statistics.median(timings),
                    "p95_ms": _percentile(timings, 0.95),
                }
            )
            del engine
            gc.collect()
    result["seconds"] = time.perf_counter() - started
    result["load_average"] = os.getloadavg()[0]
    result["cpus"] = os.cpu_count()
    return result


def table(result: dict) -> str:
    lines = [
        "Assignment scaling (StoryEngine.place in memory; synthetic articles from the feeds' real vocabulary: "
        f"{result['vocabulary']['texts']} headlines, {result['vocabulary']['terms']} terms)",
        "| articles in window | loaded | stories | load | ms/article median | ms/article p95 | engine RSS MB | load s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["sizes"]:
        partial = "" if row["loaded"] >= row["n"] else " (partial: load time-boxed)"
        rss = "–" if math.isnan(row["rss_mb"]) else f"{row['rss_mb']:.0f}"
        lines.append(
            f"| {row['n']:,}{partial} | {row['loaded']:,} | {row['stories']:,} | {row['load']} | "
            f"{row['median_ms']:.2f} | {row['p95_ms']:.2f} | {rss} | {row['load_seconds']:.1f} |"
        )
    lines.append(
        f"features.compute on a real headline + description: {result['features_ms']:.2f} ms median (once per "
        "article, not included above); database writes not included. "
        f"Load average {result['load_average']:.1f} on {result['cpus']} CPUs at the end (other work on the machine "
        "inflates the timings)."
    )
    return "\n".join(lines)
