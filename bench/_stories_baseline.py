"""The naive baseline the issue measures against: TF-IDF over headline and lead, single link within two days.

Pure Python (no scikit-learn): at a few hundred to a few thousand items the all-pairs loop over sparse vectors
takes about a second. Two items are linked when their cosine similarity reaches `threshold` and their publication
times are at most `window` apart; stories are the connected components.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

WINDOW = timedelta(days=2)
THRESHOLDS = tuple(round(0.05 + 0.025 * i, 3) for i in range(23))  # 0.05 … 0.60, the grid tuned on
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    re.split(
        r"\s+",
        "a an the of to in on for and or is are was were be been as at by with from after over its it this that has "
        "have had will would could should may can not but he she they his her their we you i our your who what why how "
        "when where which than then into about up out more new says said say",
    )
)


def tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (raw counts × log(N/df)), the idf taken over `texts` themselves."""
    counted = [Counter(tokens(text)) for text in texts]
    df: Counter[str] = Counter()
    for counts in counted:
        df.update(counts.keys())
    n = len(texts)
    vectors = []
    for counts in counted:
        vector = {term: tf * math.log(n / df[term]) for term, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors.append({term: w / norm for term, w in vector.items() if w})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def similar_pairs(
    texts: Sequence[str], times: Sequence[datetime], *, window: timedelta = WINDOW
) -> list[tuple[float, int, int]]:
    """(similarity, i, j) for every pair within the window with some shared term, computed once so that several
    thresholds can be tried without recomputing."""
    vectors = tfidf_vectors(texts)
    order = sorted(range(len(texts)), key=lambda i: times[i])
    pairs = []
    for position, i in enumerate(order):
        for j in order[position + 1 :]:
            if times[j] - times[i] > window:
                break
            similarity = cosine(vectors[i], vectors[j])
            if similarity > 0:
                pairs.append((similarity, i, j))
    return pairs


def single_link(n: int, pairs: Sequence[tuple[float, int, int]], *, threshold: float) -> list[int]:
    """Component label per item: union-find over the pairs at or above the threshold."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for similarity, i, j in pairs:
        if similarity >= threshold:
            parent[root(i)] = root(j)
    return [root(i) for i in range(n)]
