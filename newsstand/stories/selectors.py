"""Reads for stories: Top stories, full coverage, related stories. Cheap enough for every page view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache as memoize
from itertools import groupby

from django.core.cache import cache
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.http import Http404

from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS
from newsstand.core.rows import Columns, InList, Query
from newsstand.sources.models import Publisher
from newsstand.stories import ranking
from newsstand.stories.models import ENTITY_LENGTH, Story, StoryEntity

TOP_WINDOW = timedelta(hours=48)
RELATED_WINDOW = timedelta(days=14)
RELATED_CACHE_SECONDS = 600
RELATED_LIMIT = 5  # related stories kept per story (services.store_related_stories) and shown by default
_CARD_FIELDS = ("id", "headline", "lead", "lead_image_url", "section", "article_count", "publisher_count",
                "first_seen_at", "last_seen_at", "rank_key", "representative_id")  # fmt: skip


# Reads on every article page are hand-written SQL (newsstand.core.rows: compiling them cost more than running them).
_STORY = Columns(Story)
_LISTED = Columns(Article, only=("title", "url", "publisher", "section", "published_at", "story", "duplicate_of"))
_PUBLISHER = Columns(Publisher, only=("name", "slug"))
_RELATED = Columns(Story, only=(*_CARD_FIELDS, "entities", "centroid"))
_LINKED = Columns(Story, only=_CARD_FIELDS)
_ENTITY = Columns(StoryEntity, only=("story",))
_STORY_BY_ID = Query(lambda c: f"SELECT {_STORY.select('s', c)} FROM {_STORY.table('s', c)} WHERE s.id = %s", _STORY)
_STORY_NEWEST = Query(
    lambda c: (
        f"SELECT {_LISTED.select('a', c)}, {_PUBLISHER.select('p', c)} FROM {_LISTED.table('a', c)} "
        f"JOIN {_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
        "WHERE a.story_id = %s AND a.duplicate_of_id IS NULL AND a.id <> %s AND a.id <> %s "
        "ORDER BY a.published_at DESC LIMIT %s"
    ),
    _LISTED,
    _PUBLISHER,
)

_ORIGINAL = Columns(Article, defer=HEAVY_FIELDS)
_ORIGINAL_PUBLISHER = Columns(Publisher)
_COPY = Columns(Article, only=("title", "url", "publisher", "duplicate_of"))
_ORIGINALS_OF_STORY = "a.story_id = %s AND a.duplicate_of_id IS NULL"
_STORY_ORIGINALS = Query(
    lambda c: (
        f"SELECT {_ORIGINAL.select('a', c)}, {_ORIGINAL_PUBLISHER.select('p', c)} FROM {_ORIGINAL.table('a', c)} "
        f"JOIN {_ORIGINAL_PUBLISHER.table('p', c)} ON p.id = a.publisher_id WHERE {_ORIGINALS_OF_STORY} "
        "ORDER BY a.published_at, a.id"
    ),
    _ORIGINAL,
    _ORIGINAL_PUBLISHER,
)
_STORY_COPIES = Query(  # newest first, as Article's default ordering lists them
    lambda c: (
        f"SELECT {_COPY.select('k', c)}, {_PUBLISHER.select('p', c)} FROM {_COPY.table('k', c)} "
        f"JOIN {_PUBLISHER.table('p', c)} ON p.id = k.publisher_id WHERE k.duplicate_of_id IN "
        f"(SELECT a.id FROM {_ORIGINAL.table('a', c)} WHERE {_ORIGINALS_OF_STORY}) "
        "ORDER BY k.published_at DESC, k.id DESC"
    ),
    _COPY,
    _PUBLISHER,
)

_TOP_STORIES = Query(
    lambda c: (
        f"SELECT {_LINKED.select('s', c)} FROM {_LINKED.table('s', c)} WHERE s.article_count > 0 "
        "AND s.last_seen_at >= %s AND s.merged_into_id IS NULL ORDER BY s.rank_key DESC LIMIT %s"
    ),
    _LINKED,
)


def live_stories() -> QuerySet[Story]:
    return Story.objects.filter(merged_into__isnull=True, article_count__gt=0)


def top_stories(*, now: datetime, limit: int = 12, per_section: int = 4) -> list[Story]:
    """One card per story, best first, sections balanced; one indexed query over the last two days (`live_stories`
    seen since, hand-written: the ORM's compiling cost more than the query, on every home)."""
    since = connection.ops.adapt_datetimefield_value(now - TOP_WINDOW)
    ranked = [row[0] for row in _TOP_STORIES.rows([since, limit * 4])]
    return ranking.balance_sections(ranked, section_of=lambda s: s.section, limit=limit, per_section=per_section)


def story_detail(pk: int) -> Story:
    """A story; a merged story resolves to the one it was merged into (404 when missing)."""
    story = _story(pk)
    seen = {story.pk}
    while story.merged_into_id and story.merged_into_id not in seen:
        seen.add(story.merged_into_id)
        story = _story(story.merged_into_id)
    return story


def _story(pk: int) -> Story:
    found = _STORY_BY_ID.rows([pk])
    if not found:
        raise Http404("No such story.")
    return found[0][0]


@dataclass
class PublisherCoverage:
    publisher_name: str
    publisher_slug: str
    articles: list[Article] = field(default_factory=list)


def story_articles(story: Story) -> list[Article]:
    """Its articles in time order, syndicated copies folded into their original: each original carries its copies,
    newest first, as `syndicated_copies` (their title, URL and publisher's name and slug). Two queries, hand-written
    (the ORM's compiling of the list and of its prefetch cost more than running them)."""
    found: dict[int, Article] = {}
    for article, publisher in _STORY_ORIGINALS.rows([story.pk]):
        article.publisher = publisher
        article.syndicated_copies = []
        found[article.pk] = article
    if found:
        for copy, publisher in _STORY_COPIES.rows([story.pk]):
            copy.publisher = publisher
            found[copy.duplicate_of_id].syndicated_copies.append(copy)
    return list(found.values())


def publisher_names(story_ids: Sequence[int]) -> dict[int, list[str]]:
    """story id → its publishers' names, weightiest first, then by who covered it first (then by name), for the
    stories' cards: one grouped query, hand-written (one SQL text per number of stories)."""
    names: dict[int, list[str]] = {}
    for story_id, name in _PUBLISHER_NAMES.rows(list(story_ids)):
        names.setdefault(story_id, []).append(name)
    return names


_PUBLISHER_NAMES = InList(
    lambda c, ids: (
        f"SELECT a.story_id, p.name FROM {_ORIGINAL.table('a', c)} "
        f"JOIN {_ORIGINAL_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
        f"WHERE a.story_id IN ({ids}) GROUP BY a.story_id, p.name, p.weight "
        "ORDER BY a.story_id, p.weight DESC, MIN(a.published_at), p.name"
    )
)


def coverage_by_publisher(articles: list[Article]) -> list[PublisherCoverage]:
    """Who covered it: publishers in order of their first article, each with its articles in time order."""
    first_seen: dict[int, int] = {}
    for index, article in enumerate(articles):
        first_seen.setdefault(article.publisher_id, index)
    ordered = sorted(articles, key=lambda a: (first_seen[a.publisher_id], a.published_at, a.pk))
    return [
        PublisherCoverage(group[0].publisher.name, group[0].publisher.slug, group)
        for _, items in groupby(ordered, key=lambda a: a.publisher_id)
        for group in [list(items)]
    ]


def related_for_article(article: Article, *, limit: int = 6) -> list[Article]:
    """Other publishers' articles on the same story first (one per publisher, copies folded), newest first: their
    title, URL, section, publication time and publisher's name and slug (the rest deferred)."""
    if not article.story_id:
        return []
    others = _STORY_NEWEST.rows([article.story_id, article.pk, article.duplicate_of_id or 0, limit * 3])
    picked: list[Article] = []
    publishers = {article.publisher_id}
    for other, publisher in others:
        if other.publisher_id not in publishers:
            publishers.add(other.publisher_id)
            other.publisher = publisher
            picked.append(other)
    return picked[:limit]


def related_stories(story: Story, *, limit: int = RELATED_LIMIT) -> list[Story]:
    """The story's related stories as the story worker keeps them (`related_ids`, see
    services.store_related_stories), or found now for a story it has not reached; kept ten minutes per version of
    the story in the shared cache either way: every article page of a story shows the same list."""
    key = f"related-stories:{story.pk}:{story.updated_at.timestamp()}:{limit}"
    found = cache.get(key)
    if found is None:
        if story.related_at is not None and limit <= RELATED_LIMIT:
            found = _stories_by_ids(story.related_ids[:limit])
        else:
            found = find_related_stories(story, limit=limit)
        cache.set(key, found, RELATED_CACHE_SECONDS)
    return found


def _stories_by_ids(ids: list[int]) -> list[Story]:
    """Live stories among `ids`, in that order (a story merged or emptied since the list was made drops out)."""
    if not ids:
        return []
    found = {row[0].pk: row[0] for row in _LIVE_STORIES.rows(ids)}
    return [found[pk] for pk in ids if pk in found]


_LIVE_STORIES = InList(
    lambda c, ids: (
        f"SELECT {_LINKED.select('s', c)} FROM {_LINKED.table('s', c)} WHERE s.id IN ({ids}) "
        "AND s.merged_into_id IS NULL AND s.article_count > 0"
    ),
    _LINKED,
)


def find_related_stories(
    story: Story, *, limit: int = RELATED_LIMIT, candidates: int = 15, per_entity: int = 60
) -> list[Story]:
    """Earlier developments and closely related stories: live stories of the fortnight around this one that share
    a named entity with it, scored by shared entities plus overlapping centroid terms.

    Candidates come from the entity index (StoryEntity) in one query: for each entity the `per_entity` stories
    nearest this one's end (a name like "US" is in thousands of stories a fortnight), grouped, most shared first;
    only those `candidates` are loaded and scored. (Scanning the window's stories instead cost 60-75 ms a page at
    200k articles.) An entity is worth a whole point and the terms' overlap about one at most, so the best few by
    shared entities hold the best few by score."""
    entities = list(dict.fromkeys(name[:ENTITY_LENGTH] for name in story.entities or {}))
    if not entities:
        return []
    terms = story.centroid or {}
    window = (
        story.first_seen_at - RELATED_WINDOW,  # ended at most a fortnight before this one began
        story.last_seen_at + RELATED_WINDOW + timedelta(days=1),  # and within a fortnight after its end
        story.last_seen_at + timedelta(days=1),  # began before this one ended, or the day after
        story.pk,
        per_entity,
    )
    rows = _related_query(len(entities)).rows(
        [*(value for entity in entities for value in (entity, *window)), candidates]
    )
    scored = []
    for other, shared_entities in rows:
        theirs = other.centroid or {}
        shared_terms = sum(min(terms[t], theirs[t]) for t in terms.keys() & theirs.keys())
        score = shared_entities + shared_terms
        if score > 0.5:
            scored.append((score, other.last_seen_at, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [other for _, _, other in scored[:limit]]


@memoize
def _related_query(entity_count: int) -> Query:
    """Stories sharing the most of `entity_count` entities, by the entity index (one SQL text per count)."""

    def build(c: BaseDatabaseWrapper) -> str:
        nearest = (
            f"SELECT * FROM (SELECT e.story_id, e.last_seen_at FROM {_ENTITY.table('e', c)} "
            "WHERE e.entity = %s AND e.last_seen_at BETWEEN %s AND %s AND e.first_seen_at <= %s AND e.story_id <> %s "
            "ORDER BY e.last_seen_at DESC LIMIT %s) nearest"
        )
        return (
            f"SELECT {_RELATED.select('s', c)}, m.shared FROM ("
            "SELECT story_id, COUNT(*) AS shared, MAX(last_seen_at) AS seen FROM ("
            + " UNION ALL ".join([nearest] * entity_count)
            + ") found GROUP BY story_id ORDER BY shared DESC, seen DESC LIMIT %s"
            f") m JOIN {_RELATED.table('s', c)} ON s.id = m.story_id "
            "WHERE s.merged_into_id IS NULL AND s.article_count > 0"
        )

    return Query(build, _RELATED)
