"""How good a clustering is against human labels, and the naive reference it must beat. Pure; used by the benches.

BCubed (Bagga & Baldwin; Amigó et al. 2009) scores each item: precision = the share of its predicted cluster that
is truly its event, recall = the share of its true event that it was put with; both averaged over items, so large
stories do not drown small ones. Pairwise counts item pairs put together / truly together.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime, timedelta


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """BCubed (precision, recall, F1) over the items in `gold` (each must be in `pred`)."""
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    pair_counts = Counter((pred[i], gold[i]) for i in items)
    pred_sizes = Counter(pred[i] for i in items)
    gold_sizes = Counter(gold[i] for i in items)
    precision = sum(pair_counts[(pred[i], gold[i])] / pred_sizes[pred[i]] for i in items) / len(items)
    recall = sum(pair_counts[(pred[i], gold[i])] / gold_sizes[gold[i]] for i in items) / len(items)
    return precision, recall, _f1(precision, recall)


def pairwise(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1): of item pairs clustered together, how many are one event, and vice versa."""
    items = list(gold)

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter(pred[i] for i in items))
    truly = pairs(Counter(gold[i] for i in items))
    both = pairs(Counter((pred[i], gold[i]) for i in items))
    precision = both / together if together else 1.0
    recall = both / truly if truly else 1.0
    return precision, recall, _f1(precision, recall)


def naive_single_link(
    docs: Sequence[tuple[Hashable, Mapping[str, float], datetime]],
    *,
    threshold: float,
    window: timedelta = timedelta(days=2),
) -> dict[Hashable, int]:
    """The reference: plain TF-IDF (IDF over all docs) cosine, linking any two docs within `window` whose cosine
    reaches `threshold`, clusters = connected components. Quadratic in the window; for evaluation only."""
    df: Counter[str] = Counter()
    for _, terms, _ in docs:
        df.update(terms.keys())
    n = len(docs)
    vectors = []
    for _, terms, _ in docs:
        vec = {t: w * (math.log((1 + n) / (1 + df[t])) + 1.0) for t, w in terms.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(n), key=lambda i: docs[i][2])
    for a_pos, a in enumerate(order):
        for b in order[a_pos + 1 :]:
            if docs[b][2] - docs[a][2] > window:
                break
            va, vb = vectors[a], vectors[b]
            if len(va) > len(vb):
                va, vb = vb, va
            if sum(w * vb.get(t, 0.0) for t, w in va.items()) >= threshold:
                parent[find(a)] = find(b)
    roots: dict[int, int] = defaultdict(lambda: len(roots))
    return {docs[i][0]: roots[find(i)] for i in range(n)}
