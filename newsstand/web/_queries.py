"""The one read the pages need that articles.selectors does not offer yet; move it there and delete this module."""

from __future__ import annotations

from newsstand.articles.models import Article, ArticleFeed


def article_sources(article: Article) -> list[ArticleFeed]:
    """Every feed that carried the article, with the feed's publisher, in one query, first sighting first."""
    return list(
        ArticleFeed.objects.filter(article=article).select_related("feed__publisher").order_by("first_seen_at", "id")
    )
