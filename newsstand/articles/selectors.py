"""Reads for articles: the lists and pages the web, API and export show. Keep them simple and index-friendly."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources.models import Feed, Publisher

# Lists never need the body: leaving these out keeps timeline queries small.
HEAVY_FIELDS = ("body_html", "text")


def latest_articles(*, section: str | None = None, publisher: Publisher | None = None) -> QuerySet[Article]:
    """Newest first, with the publisher joined and the body fields deferred; slice it to page."""
    articles = Article.objects.select_related("publisher").defer(*HEAVY_FIELDS).order_by("-published_at", "-id")
    if section:
        articles = articles.filter(section=section)
    if publisher is not None:
        articles = articles.filter(publisher=publisher)
    return articles


def article_detail(pk: int) -> Article:
    """One article with its publisher; 404 when missing."""
    return get_object_or_404(Article.objects.select_related("publisher"), pk=pk)


def publisher_by_slug(slug: str) -> Publisher:
    return get_object_or_404(Publisher, slug=slug)


def sections() -> list[str]:
    """Sections that have articles, alphabetically."""
    return list(Article.objects.exclude(section="").order_by("section").values_list("section", flat=True).distinct())


def export_rows(*, chunk_size: int = 1000) -> Iterator[dict]:
    """Every article as a plain dict for `newsstand export articles`, streamed.

    One query per `chunk_size` articles plus one for their feeds: never a query per row (200k articles export in
    a few hundred queries). Ordered by id so an export is stable and resumable by eye.
    """
    feeds = Prefetch("feeds", queryset=Feed.objects.only("id", "url").order_by("id"))
    articles = (
        Article.objects.select_related("publisher")
        .only(
            "id",
            "url",
            "canonical_url",
            "guid",
            "title",
            "section",
            "author",
            "published_at",
            "word_count",
            "text",
            "publisher__name",
        )
        .prefetch_related(feeds)
        .order_by("id")
    )
    for article in articles.iterator(chunk_size=chunk_size):
        yield {
            "id": article.pk,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "guid": article.guid,
            "title": article.title,
            "publisher": article.publisher.name,
            "feed_urls": [feed.url for feed in article.feeds.all()],
            "section": article.section,
            "author": article.author,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "word_count": article.word_count,
            "text": article.text,
            "page_path": article.get_absolute_url(),
            # Filled in once the stories app assigns articles to stories.
            "story_id": None,
            "duplicate_of": None,
        }


def article_sources(article: Article) -> list[ArticleFeed]:
    """Every feed that carried the article, with the feed's publisher, in one query, first sighting first."""
    return list(
        ArticleFeed.objects.filter(article=article).select_related("feed__publisher").order_by("first_seen_at", "id")
    )
