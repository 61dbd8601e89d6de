"""Story assignment: the writes. Features are computed, articles placed by the engine, Story rows kept in step.

    assign_waiting(article_ids=[...], now=...)    # after the store stage commits (stories.tasks)
    assign_articles(article_ids=[...], now=...)   # one batch, as both of these run it
    recluster(since=..., until=...)               # rebuild a period in publication order

Articles are placed in publication order, then by identity (never by id, which is the order rows happened to be
stored in), and a task places every article still waiting for a story, not only its own: so the stories made do
not depend on which feeds the crawler stored together, in which order, or on which task ran first.

One transaction per batch, under a lock on the ClusteringState row (`select_for_update`; on SQLite the write
transaction serialises), so two workers never place articles against a stale picture. Each process keeps its
engine and syndication index between batches; the state row's `version` says whether another worker wrote
since, and if so the window is loaded afresh from the database (stories, their centroids, the features that make
the IDF). Queries per batch are bounded: none per article.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from django.db import transaction
from django.db.models import Q

from newsstand.articles.models import Article
from newsstand.core import clock, html
from newsstand.stories import features as feats
from newsstand.stories import ranking, selectors
from newsstand.stories.clustering import DEFAULT_PARAMS, ENTITY_PREFIX, ArticleInput, Params, StoryEngine
from newsstand.stories.models import ENTITY_LENGTH, ArticleFeatures, ClusteringState, Story, StoryEntity
from newsstand.stories.syndication import SyndicationIndex, Text

SYNDICATION_WINDOW = timedelta(days=2)
BATCH = 500


@dataclass(slots=True)
class AssignResult:
    assigned: int = 0  # articles placed (new or moved)
    unchanged: int = 0  # already placed from the same text
    moved: int = 0  # re-evaluated after a text change and placed elsewhere
    stories_created: int = 0
    stories_merged: int = 0
    duplicates: int = 0  # articles now pointing at a syndicated original
    story_ids: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Window:
    """A process's engine and syndication index, and what they cover."""

    engine: StoryEngine
    syndication: SyndicationIndex
    low: datetime
    high: datetime
    version: int


_state: dict[str, _Window] = {}
_temporary_ids = count(-1, -1)  # engine ids for stories not yet inserted


def reset_cache() -> None:
    """Forget this process's engine (tests, recluster, and after a failed batch)."""
    _state.clear()


def _features_of(article: Article) -> feats.Features:
    return feats.of_stored(
        title=article.title, summary_html=article.summary, text=article.text, full_text=article.full_text
    )


def _input(
    article_id: int, terms: dict[str, float], published_at: datetime, publisher_id: int | None, *, words: int
) -> ArticleInput:
    return ArticleInput(
        id=article_id,
        terms=terms,
        published_at=published_at,
        publisher_id=publisher_id,
        headline_only=feats.is_headline_only(words),
    )


def _load_window(low: datetime, high: datetime, *, version: int, params: Params) -> _Window:
    """The engine and index for articles published in [low, high], from the stored stories and features."""
    engine = StoryEngine(params=params)
    idf_low, idf_high = low - params.idf_window, high + params.idf_window
    rows = ArticleFeatures.objects.filter(
        article__published_at__gte=idf_low, article__published_at__lte=idf_high
    ).values_list("terms", "article__published_at", "article__publisher_id")
    for terms, published_at, publisher_id in rows.iterator(chunk_size=2000):
        engine.count_document(terms, published_at, publisher_id=publisher_id)
    live = Story.objects.filter(
        merged_into=None, last_seen_at__gte=low - params.window, first_seen_at__lte=high + params.window
    )
    stories = live.values_list("id", "centroid", "first_seen_at", "last_seen_at", "article_count")
    loaded = list(stories.iterator(chunk_size=2000))
    # Who covered each story when (the outlet mix), and whether any of its articles has more than a headline.
    outlets: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    with_text: set[int] = set()
    members = Article.objects.filter(story__in=live.values("id")).values_list(
        "story_id", "publisher_id", "published_at", "features__word_count"
    )
    for story_id, publisher_id, published_at, words in members.iterator(chunk_size=2000):
        if publisher_id is not None:
            outlets[story_id].append((publisher_id, published_at))
        if words is not None and not feats.is_headline_only(words):
            with_text.add(story_id)
    for story_id, centroid, first, last, size in loaded:
        engine.add_story(
            story_id,
            centroid=centroid,
            first_seen=first,
            last_seen=last,
            size=size,
            outlets=sorted(outlets[story_id], key=lambda o: (o[1], o[0])),
            headline_only=story_id not in with_text,
        )
    index = SyndicationIndex()
    texts = ArticleFeatures.objects.filter(
        article__published_at__gte=low - SYNDICATION_WINDOW, article__published_at__lte=high + SYNDICATION_WINDOW
    ).values_list("article_id", "article__published_at", "minhash", "word_count", "text_key", "article__duplicate_of")
    originals: dict[int, int] = {}
    for article_id, published_at, minhash, words, key, duplicate_of in texts.iterator(chunk_size=2000):
        index.texts[article_id] = text = Text(article_id, published_at, bytes(minhash), words, key)
        index._by_key.setdefault(key, []).append(article_id)
        for band in index._band_keys(text):
            index._buckets.setdefault(band, []).append(article_id)
        if duplicate_of is not None:
            originals[article_id] = duplicate_of
    index.original_of = originals
    return _Window(engine=engine, syndication=index, low=low, high=high, version=version)


def _window_for(low: datetime, high: datetime, version: int, params: Params) -> _Window:
    window = _state.get("window")
    stale = window is None or window.version != version or window.engine.params != params
    if stale or low < window.low or high > window.high:
        # Cover a day either side, so that the next batches (later articles, a little back-fill) reuse it.
        window = _load_window(low - timedelta(days=1), high + timedelta(days=1), version=version, params=params)
        _state["window"] = window
    return window


def assign_waiting(*, article_ids: list[int], now: datetime, params: Params = DEFAULT_PARAMS) -> AssignResult:
    """These articles (new or changed) and every public article still waiting for a story (stored by a write whose
    task has not run yet, or whose task was lost), in publication order then identity, a batch per transaction.
    The tasks queued after those writes then find their articles placed, and leave them."""
    waiting = Article.objects.filter(Q(id__in=article_ids) | Q(story__isnull=True, private=False))
    ids = list(waiting.order_by("published_at", "identity").values_list("id", flat=True))
    total = AssignResult()
    for start in range(0, len(ids), BATCH):
        done = assign_articles(article_ids=ids[start : start + BATCH], now=now, params=params)
        total.assigned += done.assigned
        total.unchanged += done.unchanged
        total.moved += done.moved
        total.stories_created += done.stories_created
        total.stories_merged += done.stories_merged
        total.duplicates += done.duplicates
        total.story_ids |= done.story_ids
    return total


def assign_articles(*, article_ids: list[int], now: datetime, params: Params = DEFAULT_PARAMS) -> AssignResult:
    """Place these articles in stories (creating, growing and merging stories) and link syndicated copies.
    Idempotent: an article already placed from the same text is left alone. Private sources' articles are left
    out (no story, no copy, no original) until a catalogue sighting or a promotion makes them public."""
    result = AssignResult()
    if not article_ids:
        return result
    try:
        with transaction.atomic():
            _assign(article_ids=article_ids, now=now, params=params, result=result)
    except BaseException:
        reset_cache()  # the in-memory engine ran ahead of the rolled-back database
        raise
    return result


def _assign(*, article_ids: list[int], now: datetime, params: Params, result: AssignResult) -> None:
    state, _ = ClusteringState.objects.get_or_create(id=1)
    state = ClusteringState.objects.select_for_update().get(id=1)  # serialises workers until commit
    articles = list(
        Article.objects.filter(
            id__in=article_ids, private=False
        )  # a private source's are in no story (sources.private)
        .only(
            "id", "title", "summary", "text", "published_at", "publisher_id", "full_text", "story_id", "duplicate_of_id"
        )
        .order_by("published_at", "identity")
    )
    if not articles:
        return
    stored = {f.article_id: f for f in ArticleFeatures.objects.filter(article_id__in=[a.id for a in articles])}
    window = _window_for(articles[0].published_at, articles[-1].published_at, state.version, params)
    engine, index = window.engine, window.syndication

    new_stories: dict[int, int] = {}  # temporary id -> first article's id
    touched: set[int] = set()
    merged: dict[int, int] = {}  # story -> the story it merged into
    changed_articles: list[Article] = []
    features_rows: list[ArticleFeatures] = []
    for article in articles:
        f = _features_of(article)
        old = stored.get(article.id)
        if old is not None and article.story_id is not None and old.terms == f.terms:
            result.unchanged += 1
            continue
        features_rows.append(
            ArticleFeatures(
                article_id=article.id,
                terms=f.terms,
                entities=list(f.entities),
                minhash=f.minhash,
                full_text=article.full_text,
                computed_at=now,
                word_count=f.word_count,
                text_key=f.text_key,
            )
        )
        item = _input(article.id, f.terms, article.published_at, article.publisher_id, words=f.word_count)
        previous = article.story_id
        if old is not None and previous is not None and previous in engine.stories:
            engine.unregister(
                _input(article.id, old.terms, article.published_at, article.publisher_id, words=old.word_count),
                previous,
            )
            touched.add(previous)
        assignment = engine.assign(item)
        story_id = assignment.story_id
        if story_id is None:
            story_id = next(_temporary_ids)
            new_stories[story_id] = article.id
        engine.register(item, story_id)
        for other in (*assignment.merge_ids, *engine.absorbable(story_id, assignment.nearby)):
            engine.merge(story_id, other)
            merged[other] = story_id
        touched.add(story_id)
        result.assigned += 1
        if previous is not None and previous != story_id:
            result.moved += 1
        article.story_id = story_id

        syndication = index.add(Text(article.id, article.published_at, f.minhash, f.word_count, f.text_key))
        if syndication.original != article.duplicate_of_id:
            article.duplicate_of_id = syndication.original
            result.duplicates += syndication.original is not None
        changed_articles.append(article)
        if syndication.copies:  # a back-filled earlier copy: the later ones point at it now
            Article.objects.filter(id__in=syndication.copies).update(duplicate_of=article.id)
            for earlier in changed_articles:
                if earlier.id in syndication.copies:
                    earlier.duplicate_of_id = article.id
            result.duplicates += len(syndication.copies)

    if not changed_articles:
        return
    # Insert the new stories in one statement and give the engine their real ids.
    created = Story.objects.bulk_create([Story(headline="", first_seen_at=now, last_seen_at=now) for _ in new_stories])
    real = dict(zip(new_stories, (s.id for s in created), strict=True))
    for temporary, story_id in real.items():
        if temporary in engine.stories:
            engine.rename(temporary, story_id)
    merged = {real.get(k, k): real.get(v, v) for k, v in merged.items()}
    result.stories_created = len(created)

    for article in changed_articles:
        article.story_id = _follow(real.get(article.story_id, article.story_id), merged)
    Article.objects.bulk_update(changed_articles, ["story", "duplicate_of"], batch_size=BATCH)
    ArticleFeatures.objects.bulk_create(
        features_rows,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["terms", "entities", "minhash", "full_text", "computed_at", "word_count", "text_key"],
        batch_size=BATCH,
    )
    for other, into in merged.items():  # one pair of updates per merge: merges are rare
        Article.objects.filter(story_id=other).update(story_id=_follow(into, merged))
        Story.objects.filter(id=other).update(merged_into_id=_follow(into, merged), article_count=0, publisher_count=0)
        StoryEntity.objects.filter(story_id=other).delete()
    result.stories_merged = len(merged)
    live = {_follow(real.get(s, s), merged) for s in touched} - set(merged)
    _refresh_stories(live, engine=engine, now=now)
    result.story_ids = live
    state.version += 1
    state.save(update_fields=["version"])
    window.version = state.version


def _follow(story_id: int, merged: dict[int, int]) -> int:
    seen = set()
    while story_id in merged and story_id not in seen:
        seen.add(story_id)
        story_id = merged[story_id]
    return story_id


def _cosine(terms: dict[str, float], centroid: dict[str, float]) -> float:
    dot = sum(w * centroid.get(t, 0.0) for t, w in terms.items())
    norm = math.sqrt(sum(w * w for w in terms.values())) * math.sqrt(sum(w * w for w in centroid.values()))
    return dot / norm if norm else 0.0


def _refresh_stories(story_ids: Iterable[int], *, engine: StoryEngine, now: datetime) -> None:
    """Recompute the touched stories' display fields from their articles: two queries for the whole batch."""
    story_ids = [s for s in story_ids if s > 0]
    if not story_ids:
        return
    members: dict[int, list[dict]] = defaultdict(list)
    rows = Article.objects.filter(story_id__in=story_ids).values(
        "id", "story_id", "title", "summary", "lead_image_url", "publisher_id", "publisher__weight",
        "published_at", "section", "duplicate_of_id", "features__terms",
    )  # fmt: skip
    for row in rows:
        members[row["story_id"]].append(row)
    stories = Story.objects.in_bulk(story_ids)
    for story_id, story in stories.items():
        arts = sorted(members.get(story_id, []), key=lambda r: (r["published_at"], r["id"]))
        state = engine.stories.get(story_id)
        centroid = state.centroid if state else {}
        if not arts:
            story.article_count = story.publisher_count = 0
            continue
        weights = {r["publisher_id"]: r["publisher__weight"] for r in arts}
        # The representative: an original from the weightiest publishers, closest to the centroid, then earliest.
        top = max(weights.values())
        representative = max(
            (r for r in arts if weights[r["publisher_id"]] >= top and r["duplicate_of_id"] is None),
            key=lambda r: (_cosine(r["features__terms"] or {}, centroid), -r["published_at"].timestamp()),
            default=arts[0],
        )
        story.representative_id = representative["id"]
        story.headline = representative["title"]
        story.lead = html.html_to_text(representative["summary"]) if representative["summary"] else ""
        story.lead_image_url = next((r["lead_image_url"] for r in arts if r["lead_image_url"]), "")
        story.article_count = len(arts)
        story.publisher_count = len(weights)
        story.first_seen_at, story.last_seen_at = arts[0]["published_at"], arts[-1]["published_at"]
        sections = Counter(r["section"] for r in arts if r["section"])
        story.section = sections.most_common(1)[0][0] if sections else ""
        story.centroid = {t: round(w, 5) for t, w in centroid.items()}
        story.entities = {
            t.removeprefix(ENTITY_PREFIX): round(w, 5) for t, w in centroid.items() if t.startswith(ENTITY_PREFIX)
        }
        story.merged_into = None
        ranking.update_rank(
            story, publisher_weights=weights.values(), published=[r["published_at"] for r in arts], now=now
        )
        story.updated_at = now
    Story.objects.bulk_update(
        stories.values(),
        [
            "representative", "headline", "lead", "lead_image_url", "article_count", "publisher_count",
            "first_seen_at", "last_seen_at", "section", "centroid", "entities", "merged_into", "velocity",
            "rank_key", "updated_at",
        ],
        batch_size=BATCH,
    )  # fmt: skip
    index_entities(stories.values())
    store_related_stories(stories.values(), now=now)


def store_related_stories(stories: Iterable[Story], *, now: datetime) -> None:
    """Find the related stories of these stories, and again those of the stories they name (so that an older
    story learns of a newer one), and keep them on each story (`related_ids`).

    Here, on the story worker's path, rather than on the first page view: found at read time, the list was the
    dearest part of making an article page for the first time (bench/RESULTS.md, "Web pages"). ≈ 1.5 ms a story."""
    live = {story.pk: story for story in stories if story.article_count and not story.merged_into_id}
    lists = {pk: [found.pk for found in selectors.find_related_stories(story)] for pk, story in live.items()}
    named = {pk for ids in lists.values() for pk in ids} - live.keys()
    for story in Story.objects.filter(pk__in=named, merged_into__isnull=True, article_count__gt=0):
        live[story.pk] = story
        lists[story.pk] = [found.pk for found in selectors.find_related_stories(story)]
    for pk, story in live.items():
        story.related_ids, story.related_at = lists[pk], now
    Story.objects.bulk_update(live.values(), ["related_ids", "related_at"], batch_size=BATCH)


def index_entities(stories: Iterable[Story]) -> None:
    """Rewrite the entity index rows (StoryEntity) of these stories from their `entities` and times; a story with
    no articles, or merged into another, gets none."""
    stories = list(stories)
    StoryEntity.objects.filter(story_id__in=[story.pk for story in stories]).delete()
    StoryEntity.objects.bulk_create(
        [
            StoryEntity(story=story, entity=entity, first_seen_at=story.first_seen_at, last_seen_at=story.last_seen_at)
            for story in stories
            if story.article_count and not story.merged_into_id
            for entity in dict.fromkeys(name[:ENTITY_LENGTH] for name in story.entities or {})
        ],
        batch_size=BATCH,
    )


def recluster(
    *,
    since: datetime,
    until: datetime | None,
    progress: Callable[[int], object] | None = None,
    now: datetime | None = None,
    params: Params = DEFAULT_PARAMS,
) -> int:
    """Clear the assignments of articles published in [since, until) and place them again in publication order.
    Stories wholly inside the period are deleted; returns the number of articles placed."""
    now = now or clock.now()
    period = Article.objects.filter(published_at__gte=since)
    if until is not None:
        period = period.filter(published_at__lt=until)
    with transaction.atomic():
        ClusteringState.objects.get_or_create(id=1)
        ClusteringState.objects.select_for_update().get(id=1)
        inside = Story.objects.filter(first_seen_at__gte=since)
        if until is not None:
            inside = inside.filter(last_seen_at__lt=until)
        period.update(story=None, duplicate_of=None)
        Story.objects.filter(merged_into__in=inside).update(merged_into=None)
        inside.delete()
        ArticleFeatures.objects.filter(article__in=period).delete()
        ClusteringState.objects.filter(id=1).update(version=ClusteringState.objects.get(id=1).version + 1)
    reset_cache()
    ids = list(period.order_by("published_at", "identity").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        assign_articles(article_ids=batch, now=now, params=params)
        if progress is not None:
            progress(len(batch))
    return len(ids)
