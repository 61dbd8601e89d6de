"""Reads for stories: Top stories, full coverage, related stories. Cheap enough for every page view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS
from newsstand.core.rows import Columns, Query
from newsstand.sources.models import Publisher
from newsstand.stories import ranking
from newsstand.stories.models import Story

TOP_WINDOW = timedelta(hours=48)
RELATED_WINDOW = timedelta(days=14)
_CARD_FIELDS = ("id", "headline", "lead", "lead_image_url", "section", "article_count", "publisher_count",
                "first_seen_at", "last_seen_at", "rank_key", "representative_id")  # fmt: skip


# Reads on every article page are hand-written SQL (newsstand.core.rows: compiling them cost more than running them).
_STORY = Columns(Story)
_LISTED = Columns(Article, only=("title", "url", "publisher", "section", "published_at", "story", "duplicate_of"))
_PUBLISHER = Columns(Publisher, only=("name", "slug"))
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


def live_stories() -> QuerySet[Story]:
    return Story.objects.filter(merged_into__isnull=True, article_count__gt=0)


def top_stories(*, now: datetime, limit: int = 12, per_section: int = 4) -> list[Story]:
    """One card per story, best first, sections balanced; one indexed query over the last two days."""
    ranked = list(
        live_stories().filter(last_seen_at__gte=now - TOP_WINDOW).only(*_CARD_FIELDS).order_by("-rank_key")[: limit * 4]
    )
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
    """Its articles in time order, syndicated copies folded into their original (see `copies`)."""
    copies = Article.objects.select_related("publisher").only(
        "id", "title", "url", "publisher__name", "publisher__slug", "duplicate_of_id"
    )
    return list(
        story.articles.filter(duplicate_of__isnull=True)
        .select_related("publisher")
        .defer(*HEAVY_FIELDS)
        .prefetch_related(Prefetch("copies", queryset=copies, to_attr="syndicated_copies"))
        .order_by("published_at", "id")
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


def related_stories(story: Story, *, limit: int = 5, scan: int = 300) -> list[Story]:
    """Earlier developments and closely related stories: the recent stories whose named entities and centroid
    terms overlap this story's most, scored in Python over a bounded scan of the window."""
    entities = set(story.entities or {})
    terms = story.centroid or {}
    if not entities and not terms:
        return []
    candidates = (
        live_stories()
        .exclude(pk=story.pk)
        .filter(
            last_seen_at__gte=story.first_seen_at - RELATED_WINDOW,
            first_seen_at__lte=story.last_seen_at + timedelta(days=1),
        )
        .only(*_CARD_FIELDS, "entities", "centroid")
        .order_by("-rank_key")[:scan]
    )
    scored = []
    for other in candidates:
        shared_entities = len(entities & set(other.entities or {}))
        shared_terms = sum(min(w, (other.centroid or {}).get(t, 0.0)) for t, w in terms.items())
        score = shared_entities + shared_terms
        if shared_entities >= 1 and score > 0.5:
            scored.append((score, other.last_seen_at, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [other for _, _, other in scored[:limit]]
