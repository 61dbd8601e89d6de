"""How search results are ordered: relevance from the database, times a recency boost. Pure; `now` passed in.

    score = relevance × (1 + RECENCY_BOOST / (1 + age_days / RECENCY_HALF_LIFE_DAYS))

`relevance` is the backend's own text score (SQLite: −bm25 with COLUMN_WEIGHTS; PostgreSQL: ts_rank_cd with
the A–D weights below), so only its order within one database matters. The boost multiplies it: an article
published now counts double, one a week old 1.5×, a month old 1.19×, a year old barely more than 1× — fresh news
wins among similar matches, but a headline match from last month still beats a passing mention today.
Articles dated in the future count as new. Ties go to the newer article.

Scoring reads every candidate's term statistics (about 10–15 µs a match on SQLite), so a query is scored over at
most RANK_WINDOW matches: the most recently stored ones (highest article ids, which follow arrival). A query that
matches fewer is ranked exactly; one that matches more ("government" in a large archive) is ranked among its
newest RANK_WINDOW matches — the count stays exact, and a date filter reaches further back.

On SQLite the boost is applied to the RESCORE_POOL most relevant of those (reading a document's date costs as much
as scoring it). The boost at most doubles a score, so a match left outside the pool could only have overtaken pool
members less than twice as relevant as the pool's least: the order can differ from the exact one only there, which
is rarely on a first page.
"""

from __future__ import annotations

from datetime import datetime

RECENCY_BOOST = 1.0
RECENCY_HALF_LIFE_DAYS = 7.0
RANK_WINDOW = 2000
RESCORE_POOL = 200  # SQLite: the most relevant of the window that get the recency boost (and read their dates)
PG_RANK_WINDOW = 500  # ts_rank_cd decompresses each candidate's whole tsvector: ~50 µs a match, not 15

# The indexed fields, most telling first. SQLite weighs columns with bm25(); PostgreSQL has four weight classes.
# `teaser` (what readers without access search instead of summary and body) weighs as the summary does.
COLUMN_WEIGHTS = {
    "title": 10.0, "summary": 4.0, "body": 1.0, "publisher_name": 2.0, "author": 2.0, "facets": 0.0, "teaser": 4.0,
}  # fmt: skip
PG_CLASSES = {"title": "A", "summary": "B", "teaser": "B", "publisher_name": "C", "author": "C", "body": "D"}
PG_CLASS_WEIGHTS = (0.1, 0.2, 0.4, 1.0)  # D, C, B, A — the order ts_rank_cd takes them in


def recency_factor(published_at: datetime, *, now: datetime) -> float:
    """The multiplier above; the backends compute the same expression in SQL."""
    age_days = max(0.0, (now - published_at).total_seconds() / 86400)
    return 1 + RECENCY_BOOST / (1 + age_days / RECENCY_HALF_LIFE_DAYS)


def score(relevance: float, published_at: datetime, *, now: datetime) -> float:
    return relevance * recency_factor(published_at, now=now)
