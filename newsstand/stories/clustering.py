"""Online story clustering: each article joins the best story near ITS publication time, or starts a new one.

Pure (no ORM, no clock): every decision is a function of the articles and times passed in, so back-filled and
historical articles cluster as they would have live. How it decides:

- An article is a TF-IDF vector of its field-weighted terms (`features.compute`); IDF comes from the documents
  registered within `window` of the article's publication time, counted incrementally in time buckets.
- A story is the sum of its articles' unit vectors, cut to its `centroid_terms` strongest terms.
- Score = cosine(article, centroid) + `entity_weight` x (share of the article's entity mass the story also has)
  - `time_penalty_per_day` x (days between the article and the story's coverage). Rare terms and entities carry
  the IDF weight, so different events that share topic words ("Fed", "Apple") score low against each other.
- Candidates come from an inverted index term -> stories, read only for the article's `query_terms` most
  informative terms, skipping terms carried by more than `max_postings` stories (they identify nothing); only
  stories whose coverage lies within `window` of the article are scored.
- Two stories merge only when one article scores high against both AND their centroids are themselves close:
  merging is hard to undo, so it is conservative.
- Headline-only articles (no lead: `ArticleInput.headline_only`) have a lower bar, need three shared terms (a shared
  name counting as one) below the confident score, get a bonus for shared names, and score lower against a story
  their own outlet covered within hours (the outlet mix): see the `headline_*` and `same_outlet_*` parameters.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

ENTITY_PREFIX = "e:"


@dataclass(frozen=True, slots=True)
class Params:
    # Tuned on the even AllSides events and the dense set's tuning events together (bench/stories_quality.py).
    # Two days either side: one event's coverage runs over a couple of days (the AllSides roundups span 48 h); at
    # 36 h their last articles missed the first ones (held-out BCubed F1 0.933 -> 0.940 in memory at 48 h).
    window: timedelta = timedelta(hours=48)
    threshold: float = 0.07
    entity_weight: float = 0.0
    time_penalty_per_day: float = 0.05
    centroid_terms: int = 50
    query_terms: int = 20
    candidates: int = 30
    max_postings: int = 300  # a term in 300+ live stories identifies nothing (never binds on the labelled sets)
    merge_threshold: float = 0.45
    merge_centroids: float = 0.40
    idf_window: timedelta = timedelta(days=60)  # IDF from documents at most this far from the article (see
    # _buckets_near): wider than `window`, so that a quiet stream still has enough documents to know common words
    idf_min_docs: int = 20_000
    idf_bucket: timedelta = timedelta(days=1)
    sublinear_tf: bool = True
    # Evidence gate for the dense case: below `confident`, a story must share one of the article's
    # `evidence_terms` most informative terms (0 = no gate). Topic words alone ("Fed", "rates") never carry a join.
    evidence_terms: int = 0
    confident: float = 0.25
    idf_power: float = 1.0  # >1 sharpens IDF: rare names outweigh common topic words even more
    # Single link, gated: a story also scores as its best recent member (up to `members` kept), so that one
    # event's different framings join through the article they resemble most, not a drifting average.
    members: int = 0
    member_candidates: int = 10  # the best candidates by centroid are also compared member by member
    # A join below `confident` must share at least `min_shared` terms (entity keys aside) with the member or
    # centroid that matched: one topic word ("Coronavirus", "Trump") never carries a headline into a story.
    min_shared: int = 2
    # Evidence that scales with the text: two unit vectors of n equal terms sharing k of them have cosine k/n, so
    # the bar is max(threshold, overlap_terms / n) for an article of n plain terms: a 10-word headline must match
    # as well as a 60-word lead would only with many more shared words (0 = the plain threshold).
    overlap_terms: float = 5.5
    overlap_cap: float = 0.25  # the bar never exceeds this, however short the text (tuned)
    # Publisher boilerplate: a term in at least `boilerplate_share` of one publisher's documents near the article
    # (datelines, "Sign up to our newsletter"), given `boilerplate_docs` of them, says nothing about the event.
    boilerplate_share: float = 0.3  # 0 = off
    boilerplate_docs: int = 8
    # A second look for lone articles: once a story has grown (two or more articles), a single-article story near
    # the newest one joins it when their centroids match `absorb_factor` times as well as the lone article's own
    # bar: the first framing of an event often matches the story only after other framings have arrived (0 = off).
    absorb_factor: float = 1.3  # tuned: 1.0-1.5 all help on AllSides; 1.3 is best on both tuning parts
    # Headline-only articles (no lead, no body: `ArticleInput.headline_only`) have a handful of terms, so the
    # text-scaled bar above sits at its cap for every one of them and two framings of one event rarely reach it.
    # They get their own, lower bar, but a join below `confident` must share three terms, a shared name (entity
    # key) counting as one; and the share of their entity mass the story also carries adds to the score.
    # Tuned on the headline sets' tuning parts (bench/stories_headlines.py --grid; bench/RESULTS.md, issue 15):
    # a lower cap alone gains recall on AllSides and loses precision on the dense set; three shared terms win most
    # of that back; the name bonus and names-as-shared-terms add a little on both.
    headline_overlap_terms: float = 2.0
    headline_overlap_cap: float = 0.14
    headline_min_shared: int = 3
    headline_entity_weight: float = 0.1
    headline_names_shared: bool = True
    # ...and a term counts as shared only where the story carries it with at least this share of its strongest
    # term's weight: a grown story's incidental words ("month", "19") are not evidence (dense tune P 0.91 -> 0.93).
    headline_shared_floor: float = 0.35
    # Outlet mix: one outlet rarely runs two headlines on one event within hours, so for a headline-only article a
    # story that already has an item from its outlet within `same_outlet_hours` scores `same_outlet_penalty` lower
    # (0 = off): +0.02 F1 on the dense headlines' tuning part (3-24 h alike). Led articles have text enough to
    # tell, and on the dense set their updates from one outlet are often one event: they are left alone.
    same_outlet_penalty: float = 0.25
    same_outlet_hours: float = 12.0


DEFAULT_PARAMS = Params()
# One default for sparse and dense streams alike: the bar scales with the article's text (`overlap_terms`), one
# shared topic word never carries a join (`min_shared`), publisher boilerplate is left out (`boilerplate_share`).


@dataclass(frozen=True, slots=True)
class ArticleInput:
    id: int
    terms: Mapping[str, float]  # features.Features.terms
    published_at: datetime
    publisher_id: int | None = None
    headline_only: bool = False  # no lead and no body: only the headline's terms (features.Features.headline_only)


@dataclass(frozen=True, slots=True)
class Assignment:
    story_id: int | None  # None: start a new story
    similarity: float  # the winning score (0.0 for a new story with no candidate)
    merge_ids: tuple[int, ...] = ()  # other stories this article shows to be the same event
    nearby: tuple[int, ...] = ()  # the other candidate stories (for `absorbable`, after registering)


@dataclass(slots=True)
class StoryState:
    id: int
    centroid: dict[str, float]
    norm: float
    first_seen: float  # POSIX seconds
    last_seen: float
    size: int = 0
    publishers: set[int] = field(default_factory=set)
    members: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (article id, unit vector), recent
    outlet_times: dict[int, list[float]] = field(default_factory=dict)  # publisher -> its articles' times (POSIX)
    headline_only: bool = False  # every article in it is headline-only


class StoryEngine:
    """The window of active stories, its inverted index and its document frequencies. Not thread-safe."""

    def __init__(self, *, params: Params = DEFAULT_PARAMS) -> None:
        self.params = params
        self.stories: dict[int, StoryState] = {}
        self._postings: dict[str, dict[int, None]] = {}  # term -> story ids (an ordered set)
        self._df: dict[int, Counter[str]] = {}  # idf bucket -> term -> documents
        self._docs: Counter[int] = Counter()  # idf bucket -> documents
        self._publisher_df: dict[tuple[int, int], Counter[str]] = {}  # (publisher, idf bucket) -> term -> documents
        self._publisher_docs: Counter[tuple[int, int]] = Counter()
        self._bucket = params.idf_bucket.total_seconds()
        self._window = params.window.total_seconds()
        self._idf_window = params.idf_window.total_seconds()

    # -- document frequencies -------------------------------------------------------------------------------
    def count_document(
        self, terms: Iterable[str], published_at: datetime, *, sign: int = 1, publisher_id: int | None = None
    ) -> None:
        """Count (or, with sign=-1, uncount) one document in the IDF of its time bucket, and in its publisher's."""
        bucket = int(published_at.timestamp() // self._bucket)
        counts = self._df.setdefault(bucket, Counter())
        terms = list(terms)
        for term in terms:
            counts[term] += sign
        self._docs[bucket] += sign
        if publisher_id is not None and self.params.boilerplate_share:
            key = (publisher_id, bucket)
            own = self._publisher_df.setdefault(key, Counter())
            for term in terms:
                own[term] += sign
            self._publisher_docs[key] += sign

    def boilerplate(self, publisher_id: int | None, published_at: datetime, terms: Iterable[str] = ()) -> set[str]:
        """Of `terms`, those this publisher repeats in most of its documents of the day before and the day of
        `published_at`. Looks up only the given terms: a big publisher's day holds thousands of words."""
        p = self.params
        if publisher_id is None or not p.boilerplate_share:
            return set()
        bucket = int(published_at.timestamp() // self._bucket)
        keys = [(publisher_id, b) for b in (bucket - 1, bucket) if (publisher_id, b) in self._publisher_docs]
        docs = sum(self._publisher_docs[k] for k in keys)
        if docs < p.boilerplate_docs:
            return set()
        own = [self._publisher_df[k] for k in keys]
        return {t for t in terms if sum(counts.get(t, 0) for counts in own) >= p.boilerplate_share * docs}

    def _buckets_near(self, at: float) -> list[int]:
        """The IDF buckets nearest `at`, widening until they hold `idf_min_docs` documents or reach `idf_window`:
        a dense stream gets a few days' IDF (current vocabulary), a sparse one enough history to know common words."""
        centre = int(at // self._bucket)
        reach = int(self._idf_window // self._bucket)
        chosen = [centre] if centre in self._docs else []
        docs = self._docs.get(centre, 0)
        for step in range(1, reach + 1):
            if docs >= self.params.idf_min_docs:
                break
            for b in (centre - step, centre + step):
                if b in self._docs:
                    chosen.append(b)
                    docs += self._docs[b]
        return chosen

    def vector(
        self, terms: Mapping[str, float], published_at: datetime, publisher_id: int | None = None
    ) -> dict[str, float]:
        """The article's unit TF-IDF vector, IDF taken from the documents within `window` of its publication,
        its publisher's boilerplate left out."""
        buckets = self._buckets_near(published_at.timestamp())
        docs = sum(self._docs[b] for b in buckets)
        dfs = [self._df[b] for b in buckets]
        skip = self.boilerplate(publisher_id, published_at, terms)
        vec: dict[str, float] = {}
        for term, weight in terms.items():
            if term in skip:
                continue
            df = sum(counts.get(term, 0) for counts in dfs)
            tf = 1.0 + math.log(weight) if self.params.sublinear_tf and weight > 1.0 else weight
            vec[term] = tf * (math.log((1 + docs) / (1 + df)) + 1.0) ** self.params.idf_power
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    # -- assignment ---------------------------------------------------------------------------------------
    def score(self, vec: Mapping[str, float], story: StoryState, at: float) -> float:
        """cosine + entity overlap - time gap: the one number that decides."""
        return self.evidence(vec, story, at, members=False)[0]

    def evidence(
        self,
        vec: Mapping[str, float],
        story: StoryState,
        at: float,
        *,
        members: bool = True,
        headline_only: bool = False,
        publisher_id: int | None = None,
    ) -> tuple[float, int]:
        """(score, shared terms): the best of the centroid's cosine and, with `members`, each kept member's, plus
        entity overlap, less the time gap and the same-outlet penalty; and how many plain terms the winning side
        shares with the article."""
        p = self.params
        centroid = story.centroid
        dot = 0.0
        shared = 0
        entity_mass = shared_entity_mass = 0.0
        names_count = headline_only and p.headline_names_shared
        floor = p.headline_shared_floor * max(centroid.values(), default=0.0) if headline_only else 0.0
        for term, weight in vec.items():
            c = centroid.get(term)
            if c is not None:
                dot += weight * c
            if term.startswith(ENTITY_PREFIX):
                entity_mass += weight
                if c is not None:
                    shared_entity_mass += weight
                    shared += names_count and c >= floor
            elif c is not None and c >= floor:
                shared += 1
        best = dot / story.norm if story.norm else 0.0
        if members:
            for _, member in story.members:
                m_dot = 0.0
                m_shared = 0
                for term, weight in vec.items():
                    m = member.get(term)
                    if m is not None:
                        m_dot += weight * m
                        m_shared += names_count or not term.startswith(ENTITY_PREFIX)
                if m_dot > best or (m_dot == best and m_shared > shared):
                    best, shared = m_dot, m_shared
        entity = shared_entity_mass / entity_mass if entity_mass else 0.0
        entity_weight = p.entity_weight + (p.headline_entity_weight if headline_only else 0.0)
        gap = max(0.0, story.first_seen - at, at - story.last_seen)
        score = best + entity_weight * entity - p.time_penalty_per_day * gap / 86400.0
        if headline_only and p.same_outlet_penalty and self.same_outlet_near(story, publisher_id, at):
            score -= p.same_outlet_penalty
        return score, shared

    def same_outlet_near(self, story: StoryState, publisher_id: int | None, at: float) -> bool:
        """Whether the story has an item from this outlet within `same_outlet_hours` of `at`."""
        if publisher_id is None:
            return False
        reach = self.params.same_outlet_hours * 3600.0
        return any(abs(seen - at) <= reach for seen in story.outlet_times.get(publisher_id, ()))

    def candidates(self, vec: Mapping[str, float], at: float) -> list[int]:
        """Stories in the window sharing the article's most informative terms, best partial dot product first."""
        p = self.params
        query = heapq.nlargest(p.query_terms, vec.items(), key=lambda kv: kv[1])
        partial: dict[int, float] = {}
        low, high = at - self._window, at + self._window
        stories = self.stories
        for term, weight in query:
            posting = self._postings.get(term)
            if not posting or len(posting) > p.max_postings:
                continue
            for story_id in posting:
                story = stories[story_id]
                if story.last_seen < low or story.first_seen > high:
                    continue
                partial[story_id] = partial.get(story_id, 0.0) + weight * story.centroid[term] / story.norm
        return heapq.nlargest(p.candidates, partial, key=partial.__getitem__)

    def assign(self, article: ArticleInput, *, exclude: int | None = None) -> Assignment:
        """Where the article belongs; changes nothing. `exclude` leaves out a story (its own, when re-evaluating)."""
        p = self.params
        at = article.published_at.timestamp()
        vec = self.vector(article.terms, article.published_at, article.publisher_id)
        found = [s for s in self.candidates(vec, at) if s != exclude]
        min_shared = p.headline_min_shared if article.headline_only else p.min_shared
        scored = []
        for rank, s in enumerate(found):
            score, shared = self.evidence(
                vec,
                self.stories[s],
                at,
                members=p.members > 0 and rank < p.member_candidates,
                headline_only=article.headline_only,
                publisher_id=article.publisher_id,
            )
            if score < p.confident and shared < min_shared:
                continue  # one shared topic word is no evidence
            scored.append((score, s))
        scored.sort(reverse=True)
        threshold = self.threshold_for(article.terms, headline_only=article.headline_only)
        if p.evidence_terms:
            key_terms = [t for t, _ in heapq.nlargest(p.evidence_terms, vec.items(), key=lambda kv: kv[1])]
            scored = [
                (score, s)
                for score, s in scored
                if score >= p.confident or any(t in self.stories[s].centroid for t in key_terms)
            ]
        if not scored or scored[0][0] < threshold:
            return Assignment(story_id=None, similarity=scored[0][0] if scored else 0.0, nearby=tuple(found))
        best_score, best = scored[0]
        merges: list[int] = []
        if best_score >= p.merge_threshold:
            for other_score, other in scored[1:]:
                if other_score < p.merge_threshold:
                    break
                if self.centroid_similarity(best, other) >= p.merge_centroids:
                    merges.append(other)
        nearby = tuple(s for s in found if s != best and s not in merges)
        return Assignment(story_id=best, similarity=round(best_score, 6), merge_ids=tuple(merges), nearby=nearby)

    def absorbable(self, story_id: int, nearby: Iterable[int]) -> list[int]:
        """Single-article stories among `nearby` that now belong in `story_id` (see `Params.absorb_factor`); call
        after registering the article that brought the story to this size."""
        p = self.params
        story = self.stories.get(story_id)
        if not p.absorb_factor or story is None or story.size < 2:
            return []
        found = []
        for other_id in nearby:
            other = self.stories.get(other_id)
            if other is None or other_id == story_id or other.size != 1:
                continue
            outlets = [(publisher_id, seen) for publisher_id, times in other.outlet_times.items() for seen in times]
            score, shared = self.evidence(
                {t: w / other.norm for t, w in other.centroid.items()},
                story,
                other.first_seen,
                members=False,
                headline_only=other.headline_only,
                publisher_id=outlets[0][0] if len(outlets) == 1 else None,
            )
            if score < p.confident and shared < (p.headline_min_shared if other.headline_only else p.min_shared):
                continue
            if score >= p.absorb_factor * self.threshold_for(other.centroid, headline_only=other.headline_only):
                found.append(other_id)
        return found

    def threshold_for(self, terms: Mapping[str, float], *, headline_only: bool = False) -> float:
        """The bar a join must clear for an article with these terms (see `Params.overlap_terms`; a headline-only
        article's with the `headline_` ones)."""
        p = self.params
        overlap, cap = (
            (p.headline_overlap_terms, p.headline_overlap_cap) if headline_only else (p.overlap_terms, p.overlap_cap)
        )
        if not overlap:
            return p.threshold
        plain = sum(not t.startswith(ENTITY_PREFIX) for t in terms)
        return max(p.threshold, min(cap, overlap / max(plain, 1)))

    def centroid_similarity(self, a: int, b: int) -> float:
        sa, sb = self.stories[a], self.stories[b]
        if len(sa.centroid) > len(sb.centroid):
            sa, sb = sb, sa
        dot = sum(w * sb.centroid.get(t, 0.0) for t, w in sa.centroid.items())
        return dot / (sa.norm * sb.norm) if sa.norm and sb.norm else 0.0

    # -- state changes ------------------------------------------------------------------------------------
    def register(self, article: ArticleInput, story_id: int, *, count: bool = True) -> None:
        """Add the article to a story (created if new): its vector joins the centroid, its terms the IDF."""
        if count:
            self.count_document(article.terms, article.published_at, publisher_id=article.publisher_id)
        vec = self.vector(article.terms, article.published_at, article.publisher_id)
        at = article.published_at.timestamp()
        story = self.stories.get(story_id)
        if story is None:
            story = StoryState(
                id=story_id, centroid={}, norm=0.0, first_seen=at, last_seen=at, headline_only=article.headline_only
            )
            self.stories[story_id] = story
        else:
            story.headline_only = story.headline_only and article.headline_only
        centroid = dict(story.centroid)
        for term, weight in vec.items():
            centroid[term] = centroid.get(term, 0.0) + weight
        if self.params.members:
            story.members.append((article.id, vec))
            del story.members[: -self.params.members]
        story.size += 1
        if article.publisher_id is not None:
            story.publishers.add(article.publisher_id)
            story.outlet_times.setdefault(article.publisher_id, []).append(at)
        story.first_seen, story.last_seen = min(story.first_seen, at), max(story.last_seen, at)
        self._set_centroid(story, centroid)

    def unregister(self, article: ArticleInput, story_id: int) -> None:
        """Take an article back out (its text changed): the inverse of `register`, up to centroid truncation."""
        vec = self.vector(article.terms, article.published_at, article.publisher_id)
        self.count_document(article.terms, article.published_at, sign=-1, publisher_id=article.publisher_id)
        story = self.stories.get(story_id)
        if story is None:
            return
        story.size -= 1
        story.members = [(i, v) for i, v in story.members if i != article.id]
        times = story.outlet_times.get(article.publisher_id) if article.publisher_id is not None else None
        if times and article.published_at.timestamp() in times:
            times.remove(article.published_at.timestamp())
        if story.size <= 0:
            self.remove(story_id)
            return
        centroid = {t: w - vec.get(t, 0.0) for t, w in story.centroid.items()}
        self._set_centroid(story, {t: w for t, w in centroid.items() if w > 1e-9})

    def merge(self, into: int, other: int) -> None:
        """Fold story `other` into `into`."""
        a, b = self.stories[into], self.stories.pop(other)
        self._unindex(b.id, b.centroid)
        centroid = dict(a.centroid)
        for term, weight in b.centroid.items():
            centroid[term] = centroid.get(term, 0.0) + weight
        a.size += b.size
        a.headline_only = a.headline_only and b.headline_only
        a.publishers |= b.publishers
        for publisher_id, times in b.outlet_times.items():
            a.outlet_times.setdefault(publisher_id, []).extend(times)
        if self.params.members:
            a.members = (a.members + b.members)[-self.params.members :]
        a.first_seen, a.last_seen = min(a.first_seen, b.first_seen), max(a.last_seen, b.last_seen)
        self._set_centroid(a, centroid)

    def add_story(
        self,
        story_id: int,
        *,
        centroid: Mapping[str, float],
        first_seen: datetime,
        last_seen: datetime,
        size: int = 1,
        publishers: Iterable[int] = (),
        members: Iterable[tuple[int, dict[str, float]]] = (),
        outlets: Iterable[tuple[int, datetime]] = (),
        headline_only: bool = False,
    ) -> None:
        """Load a stored story (replacing any state kept under that id); `members`: (article id, unit vector) of
        its most recent articles, oldest first; `outlets`: (publisher id, publication time) of its articles."""
        if story_id in self.stories:
            self.remove(story_id)
        story = StoryState(
            id=story_id,
            centroid={},
            norm=0.0,
            first_seen=first_seen.timestamp(),
            last_seen=last_seen.timestamp(),
            size=size,
            publishers=set(publishers),
            members=list(members)[-self.params.members :] if self.params.members else [],
            headline_only=headline_only,
        )
        for publisher_id, published_at in outlets:
            story.publishers.add(publisher_id)
            story.outlet_times.setdefault(publisher_id, []).append(published_at.timestamp())
        self.stories[story_id] = story
        self._set_centroid(story, dict(centroid))

    def rename(self, old: int, new: int) -> None:
        """Give a story its stored id (the caller inserts new stories in one statement, after placing)."""
        story = self.stories.pop(old)
        self._unindex(old, story.centroid)
        story.id = new
        self.stories[new] = story
        for term in story.centroid:
            self._postings.setdefault(term, {})[new] = None

    def remove(self, story_id: int) -> None:
        story = self.stories.pop(story_id, None)
        if story is not None:
            self._unindex(story_id, story.centroid)

    def evict(self, before: datetime) -> int:
        """Forget stories last seen before `before`, and IDF buckets a window older; returns stories dropped."""
        cut = before.timestamp()
        old = [s.id for s in self.stories.values() if s.last_seen < cut]
        for story_id in old:
            self.remove(story_id)
        oldest_bucket = int((cut - self._idf_window) // self._bucket)
        for bucket in [b for b in self._docs if b < oldest_bucket]:
            del self._docs[bucket]
            self._df.pop(bucket, None)
        for key in [k for k in self._publisher_docs if k[1] < oldest_bucket]:
            del self._publisher_docs[key]
            self._publisher_df.pop(key, None)
        return len(old)

    def place(self, article: ArticleInput, *, new_id: Callable[[], int]) -> tuple[int, Assignment]:
        """assign + register + merge in one step (benchmarks, recluster): returns the story the article is in."""
        assignment = self.assign(article)
        story_id = assignment.story_id if assignment.story_id is not None else new_id()
        self.register(article, story_id)
        absorbed = self.absorbable(story_id, assignment.nearby)
        if absorbed:
            assignment = replace(assignment, merge_ids=(*assignment.merge_ids, *absorbed))
        for other in assignment.merge_ids:
            self.merge(story_id, other)
        return story_id, assignment

    def _set_centroid(self, story: StoryState, centroid: dict[str, float]) -> None:
        """Keep the strongest terms only (bounded memory, bounded postings) and re-index the difference."""
        limit = self.params.centroid_terms
        if len(centroid) > limit:
            centroid = dict(heapq.nlargest(limit, centroid.items(), key=lambda kv: kv[1]))
        old = story.centroid
        for term in old.keys() - centroid.keys():
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(story.id, None)
                if not posting:
                    del self._postings[term]
        for term in centroid.keys() - old.keys():
            self._postings.setdefault(term, {})[story.id] = None
        story.centroid = centroid
        story.norm = math.sqrt(sum(w * w for w in centroid.values()))

    def _unindex(self, story_id: int, centroid: Mapping[str, float]) -> None:
        for term in centroid:
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self._postings[term]

    def window_of(self, at: datetime) -> tuple[datetime, datetime]:
        return at - self.params.window, at + self.params.window
