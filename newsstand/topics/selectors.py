"""Reading topics: an article's (its page, the API), many articles' names at once (exports), a topic's page of
articles (as Django's Paginator takes it, public articles only, syndicated copies left out as lists do)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from newsstand.articles import selectors as articles
from newsstand.articles.models import Article
from newsstand.topics.models import ArticleTopic, Topic


def topic_by_slug(slug: str) -> Topic:
    return get_object_or_404(Topic, slug=slug)


def topics_of(article_id: int) -> list[Topic]:
    """The article's topics, weightiest first."""
    return list(Topic.objects.filter(article_links__article_id=article_id).order_by("-article_links__weight", "name"))


def names_by_article(article_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each article's topic names, weightiest first (articles without topics are absent): one query per 500 ids."""
    found: dict[int, list[str]] = {}
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        rows = (
            ArticleTopic.objects.filter(article_id__in=ids[start : start + 500])
            .order_by("article_id", "-weight", "topic__name")
            .values_list("article_id", "topic__name")
        )
        for article_id, name in rows:
            found.setdefault(article_id, []).append(name)
    return found


def in_the_news(*, since: datetime, limit: int) -> list[Topic]:
    """The topics the news since `since` was most about: summed over public originals, each topic's weight in the
    article (its share of the opening), so a name every story mentions in passing ("Department", a newspaper's
    name) ranks below what stories are about; then how many publishers wrote about it. What a new reader is
    offered to follow (reading.onboarding)."""
    counted = (
        ArticleTopic.objects.filter(
            article__published_at__gte=since, article__private=False, article__duplicate_of__isnull=True
        )
        .values("topic_id")
        .annotate(weight=Sum("weight"), publishers=Count("article__publisher_id", distinct=True))
        .order_by("-weight", "-publishers", "topic_id")
    )
    ids = [row["topic_id"] for row in counted[:limit]]
    found = Topic.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def articles_with_any(slugs: Collection[str]) -> Q:
    """A filter for the articles carrying any of these topics (a muted topic hides them: reading.mutes)."""
    return Q(pk__in=ArticleTopic.objects.filter(topic__slug__in=list(slugs)).values("article_id"))


def slugs_by_article(article_ids: Collection[int]) -> dict[int, list[str]]:
    """Each article's topic slugs (articles without topics are absent), in one query."""
    found: dict[int, list[str]] = {}
    rows = ArticleTopic.objects.filter(article_id__in=list(article_ids)).values_list("article_id", "topic__slug")
    for article_id, slug in rows:
        found.setdefault(article_id, []).append(slug)
    return found


@dataclass
class TopicListed:
    """The topic's public articles, newest first, as the Paginator reads them: counted, then one page at a time
    (the ids from the topic's links, then the articles as lists show them: articles.selectors.listed_by_id)."""

    topic: Topic

    def _links(self):
        return ArticleTopic.objects.filter(topic=self.topic, article__private=False, article__duplicate_of__isnull=True)

    def count(self) -> int:
        return self._links().count()

    def __getitem__(self, window: slice) -> list[Article]:
        if not isinstance(window, slice) or window.step is not None or window.stop is None:
            raise TypeError("a TopicListed is read a page at a time: listed[start:stop]")
        ids = list(
            self._links()
            .order_by("-article__published_at", "-article_id")
            .values_list("article_id", flat=True)[window.start or 0 : window.stop]
        )
        shown = articles.listed_by_id(ids)
        return [shown[pk] for pk in ids if pk in shown]
