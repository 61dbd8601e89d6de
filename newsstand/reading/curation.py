"""For you, curated for one reader: what they read becomes an interest profile, candidate stories are scored against
it and against their explicit choices, and the list is diversified, every card with its reason. Plain functions over
plain values (no database): reading.for_you gathers the inputs.

Why stories, not articles: a story's centroid (stories.clustering) is already a TF-IDF vector over every article of
one event, so rare names outweigh common words without an IDF of our own, and "one card per story" falls out of
scoring stories. What the reader read counts read by read, each weighted by how much of it they read (the page's
progress beacon), whether they saved it, whether they asked for more like it, and how long ago (half-life
`PROFILE_HALF_LIFE_DAYS`); what they asked for fewer of is summed into a profile of dislikes. It is cheap (a few
hundred small dicts) and explainable.

Scoring, per candidate story: explicit choices (following its publisher, section, topic or the story) and
similarity add up, being a top story right now adds a little, and all of it fades with the story's age; what the
reader asked for fewer of (the profile's dislikes) pushes down. Similarity is to the one read story the candidate is
most like (`Likeness`, an inverted index over the reads), which is also what its card names ("Because you read …"). Diversity: one card per
story (by construction), at most `PER_PUBLISHER` cards from one publisher, and `EXPLORE_SHARE` of the slots kept for
top stories the reader's profile would not have chosen, so the list does not close in on itself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

PROFILE_TERMS = 120  # the profile keeps its weightiest terms: the rest is noise and costs time at every score
PROFILE_HALF_LIFE_DAYS = 14.0
STORY_HALF_LIFE_HOURS = 30.0
FOLLOW_WEIGHT = 1.2
SIMILARITY_WEIGHT = 3.0
TOP_WEIGHT = 0.2  # a top story the reader's reads do not speak for ranks below one they do (bench/RESULTS.md)
FEWER_WEIGHT = 3.0  # how strongly "fewer like this" pushes similar stories down
MIN_SIMILARITY = 0.04  # below this a story is not "like what you read"
PER_PUBLISHER = 3
EXPLORE_SHARE = 0.1
SAVED_BONUS = 1.0
MORE_BONUS = 1.5


@dataclass(frozen=True)
class ReadStory:
    """One story the reader read (an article of it), with what they did."""

    story_id: int
    title: str  # the headline of the article they read: what a reason names
    centroid: Mapping[str, float]
    read_at: datetime
    progress: float = 0.0  # 0–1, the furthest point read
    saved: bool = False
    feedback: int = 0  # +1 more like this, -1 fewer like this


def read_weight(read: ReadStory, now: datetime) -> float:
    """How much one read says about the reader: opening counts a little, reading to the end a lot, saving or asking
    for more even more; "fewer like this" turns it negative. Older reads fade."""
    if read.feedback < 0:
        weight = -1.0
    else:
        weight = 0.3 + 0.7 * min(max(read.progress, 0.0), 1.0)
        weight += SAVED_BONUS if read.saved else 0.0
        weight += MORE_BONUS if read.feedback > 0 else 0.0
    age_days = max((now - read.read_at).total_seconds(), 0.0) / 86400
    return weight * 0.5 ** (age_days / PROFILE_HALF_LIFE_DAYS)


@dataclass(frozen=True)
class Profile:
    """What the reader asked for fewer of (`disliked`): a unit vector of terms. What they are into is the reads
    themselves, weighed (`Likeness`)."""

    disliked: Mapping[str, float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.disliked)


def profile(reads: Iterable[ReadStory], *, now: datetime, terms: int = PROFILE_TERMS) -> Profile:
    disliked: dict[str, float] = {}
    for read in reads:
        weight = read_weight(read, now)
        if weight < 0:
            for term, value in read.centroid.items():
                disliked[term] = disliked.get(term, 0.0) - weight * value
    return Profile(disliked=_unit(_top(disliked, terms)))


def _top(vector: Mapping[str, float], n: int) -> dict[str, float]:
    return dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def _unit(vector: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def cosine(unit: Mapping[str, float], other: Mapping[str, float]) -> float:
    """`unit` is a unit vector; `other` is normalised here."""
    if not unit or not other:
        return 0.0
    norm = math.sqrt(sum(v * v for v in other.values()))
    if not norm:
        return 0.0
    small, large = (unit, other) if len(unit) <= len(other) else (other, unit)
    return sum(v * large.get(t, 0.0) for t, v in small.items()) / norm


@dataclass
class Candidate:
    """A story (or an article that has none yet) that could be a card, with what speaks for it."""

    key: str  # "story:<id>" or "article:<id>": one card per key
    article_id: int  # the article the card shows
    publisher_id: int
    publisher_name: str
    section: str
    seen_at: datetime  # the story's latest article: how current it is
    centroid: Mapping[str, float] = field(default_factory=dict)
    followed_publisher: bool = False
    followed_section: bool = False
    followed_topic: str = ""  # the followed topic's name it carries
    followed_story: bool = False  # an update on a story the reader follows
    top_rank: int | None = None  # 0 for the top story right now
    publishers: int = 1  # how many publishers cover it
    # Filled by `score`:
    similarity: float = 0.0
    score: float = 0.0
    like: str = ""  # the headline read that this is most like
    reason: str = ""


def score(
    candidates: Iterable[Candidate], prof: Profile, likeness: Likeness, *, now: datetime, top_count: int = 20
) -> list[Candidate]:
    """Each candidate's score and similarity, best first (ties: newer, then smaller key: repeatable). Similarity is
    to the one read story the candidate is most like (`likeness`), not to the profile's sum: a reader of five
    different sport stories is like each of them, and their sum is like none (bench/RESULTS.md, the sections set:
    precision@10 0.333 with the sum, 0.385 with the nearest read). The profile's dislikes push down."""
    scored = []
    for c in candidates:
        c.similarity = likeness.nearest(c.centroid)[1]
        explicit = FOLLOW_WEIGHT * bool(c.followed_publisher or c.followed_section or c.followed_topic)
        explicit += FOLLOW_WEIGHT * c.followed_story
        similar = SIMILARITY_WEIGHT * c.similarity if c.similarity >= MIN_SIMILARITY else 0.0
        top = TOP_WEIGHT * (1 - c.top_rank / top_count) if c.top_rank is not None else 0.0
        fewer = FEWER_WEIGHT * cosine(prof.disliked, c.centroid)
        age_hours = max((now - c.seen_at).total_seconds(), 0.0) / 3600
        recency = 0.5 ** (age_hours / STORY_HALF_LIFE_HOURS)
        c.score = (explicit + similar + top) * (0.3 + 0.7 * recency) - fewer
        scored.append(c)
    return sorted(scored, key=lambda c: (-c.score, -c.seen_at.timestamp(), c.key))


def diversified(
    ranked: Sequence[Candidate],
    *,
    limit: int,
    per_publisher: int = PER_PUBLISHER,
    explore_share: float = EXPLORE_SHARE,
) -> list[Candidate]:
    """The best `limit` cards, one per key, at most `per_publisher` from one publisher, with `explore_share` of the
    slots (at least one in a list of ten) kept for the best top stories that were not chosen on their merits."""
    explore_slots = int(limit * explore_share) if limit >= 1 / explore_share else 0
    chosen: list[Candidate] = []
    keys: set[str] = set()
    per: dict[int, int] = {}

    def take(c: Candidate) -> None:
        chosen.append(c)
        keys.add(c.key)
        per[c.publisher_id] = per.get(c.publisher_id, 0) + 1

    for c in ranked:
        if len(chosen) >= limit - explore_slots:
            break
        if c.score > 0 and c.key not in keys and per.get(c.publisher_id, 0) < per_publisher:
            take(c)
    explorers = [c for c in ranked if c.top_rank is not None and c.key not in keys]
    for c in sorted(explorers, key=lambda c: (c.top_rank, c.key)):
        if len(chosen) >= limit:
            break
        if per.get(c.publisher_id, 0) < per_publisher:
            c.reason = c.reason or EXPLORE
            take(c)
    for c in ranked:  # slots nobody filled: the rest, by score, caps kept
        if len(chosen) >= limit:
            break
        if c.key not in keys and c.score > 0 and per.get(c.publisher_id, 0) < per_publisher:
            take(c)
    return chosen


EXPLORE = "Something else in the news today."


class Likeness:
    """Which read story a card is most like: the reads' centroids as one inverted index (term → reads), so that a
    card's likeness to every read costs a walk over the card's own terms, not a cosine per read. Given `now`, each
    read counts by what it says about the reader (`read_weight`: read to the end, saved, "more like this", recent),
    so a card like a story read to the end outranks one like a story only opened."""

    def __init__(self, reads: Sequence[ReadStory], *, now: datetime | None = None) -> None:
        self.reads = [read for read in reads if read.feedback >= 0]
        postings: dict[str, list[tuple[int, float]]] = {}
        for index, read in enumerate(self.reads):
            weight = read_weight(read, now) if now is not None else 1.0
            for term, value in _unit(read.centroid).items():
                postings.setdefault(term, []).append((index, weight * value))
        # Kept as tuples of plain values, which the garbage collector stops tracking: a process keeps many.
        self.postings: dict[str, tuple[tuple[int, float], ...]] = {t: tuple(p) for t, p in postings.items()}

    def most_like(self, centroid: Mapping[str, float]) -> ReadStory | None:
        return self.nearest(centroid)[0]

    def nearest(self, centroid: Mapping[str, float]) -> tuple[ReadStory | None, float]:
        """The read story most like `centroid`, and their cosine (times the read's weight, when weighed)."""
        scores: defaultdict[int, float] = defaultdict(float)
        postings = self.postings
        for term, value in centroid.items():
            for index, weight in postings.get(term, ()):
                scores[index] += weight * value
        if not scores:
            return None, 0.0
        top = max(scores.values())
        best = min(index for index, found in scores.items() if found == top)  # ties: the most recent read
        norm = math.sqrt(sum(v * v for v in centroid.values()))
        return self.reads[best], (top / norm if norm else 0.0)


def explain(card: Candidate, likeness: Likeness) -> str:
    """Why the card is there, in plain words: the strongest of the reasons that scored it."""
    if card.reason:
        return card.reason
    if card.followed_story:
        return "Updates on a story you follow."
    followed = card.followed_publisher or card.followed_section or card.followed_topic
    if card.similarity >= MIN_SIMILARITY and (best := likeness.most_like(card.centroid)) is not None:
        card.like = best.title
        if SIMILARITY_WEIGHT * card.similarity >= FOLLOW_WEIGHT or not followed:
            return f"Because you read “{_short(best.title)}”."
    if card.followed_publisher:
        return f"You follow {card.publisher_name}."
    if card.followed_topic:
        return f"You follow {card.followed_topic}."
    if card.followed_section:
        return f"You follow {card.section}."
    if card.top_rank is not None:
        return (
            f"Top story now: {card.publishers} publishers are covering it." if card.publishers > 1 else "Top story now."
        )
    return "Like what you read."


def _short(title: str, words: int = 12) -> str:
    parts = title.split()
    return title if len(parts) <= words else " ".join(parts[:words]) + "…"
