"""Reads for articles: the lists and pages the web, API and export show. Keep them simple and index-friendly."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources.models import Publisher

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


EXPORT_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "guid",
    "title",
    "publisher__name",
    "section",
    "author",
    "published_at",
    "word_count",
    "text",
    "story_id",
    "duplicate_of_id",
)


def export_rows(*, chunk_size: int = 2000) -> Iterator[dict]:
    """Every article as a plain dict for `newsstand export articles`, streamed in id order.

    Two queries per `chunk_size` articles (the rows, then their feeds' URLs), keyset-paginated on id so no cursor
    stays open and memory stays flat; tuples rather than model instances, because on 200k articles building
    models and reversing a URL per row cost more than the database did.
    """
    sentinel = 987654321987
    page_path = reverse("web:article", kwargs={"pk": sentinel})
    before, _, after = page_path.partition(str(sentinel))
    last_id = 0
    while True:
        rows = list(Article.objects.filter(id__gt=last_id).order_by("id").values_list(*EXPORT_FIELDS)[:chunk_size])
        if not rows:
            return
        last_id = rows[-1][0]
        feed_urls: dict[int, list[str]] = {}
        sightings = (
            ArticleFeed.objects.filter(article_id__gte=rows[0][0], article_id__lte=last_id)
            .order_by("article_id", "feed_id")
            .values_list("article_id", "feed__url")
        )
        for article_id, url in sightings:
            feed_urls.setdefault(article_id, []).append(url)
        for (
            pk,
            url,
            canonical,
            guid,
            title,
            publisher,
            section,
            author,
            published_at,
            words,
            text,
            story,
            original,
        ) in rows:
            yield {
                "id": pk,
                "url": url,
                "canonical_url": canonical,
                "guid": guid,
                "title": title,
                "publisher": publisher,
                "feed_urls": feed_urls.get(pk, []),
                "section": section,
                "author": author,
                "published_at": published_at.isoformat() if published_at else None,
                "word_count": words,
                "text": text,
                "page_path": f"{before}{pk}{after}",  # == article.get_absolute_url()
                "story_id": story,
                "duplicate_of": original,
            }
        if len(rows) < chunk_size:
            return


def article_sources(article: Article) -> list[ArticleFeed]:
    """Every feed that carried the article, with the feed's publisher, in one query, first sighting first."""
    return list(
        ArticleFeed.objects.filter(article=article).select_related("feed__publisher").order_by("first_seen_at", "id")
    )
