"""Stand-in reads for the pages until articles.selectors lands; delete this module then.

The signatures follow the selectors the pages will call, so switching is an import change.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources.models import Publisher

# What a listing shows; the body and plain text stay in the database.
LISTING_FIELDS = (
    "id",
    "title",
    "summary",
    "section",
    "published_at",
    "word_count",
    "lead_image_url",
    "lead_image_caption",
    "publisher__id",
    "publisher__name",
    "publisher__slug",
)


def latest_articles(*, section: str | None = None, publisher: Publisher | None = None) -> QuerySet[Article]:
    """Newest first by publication date, so back-filled old entries sink to where they belong."""
    articles = Article.objects.select_related("publisher").only(*LISTING_FIELDS).order_by("-published_at", "-id")
    if section:
        articles = articles.filter(section=section)
    if publisher is not None:
        articles = articles.filter(publisher=publisher)
    return articles


def article_detail(pk: int) -> Article:
    """One article with its publisher and every feed that carried it; raises Article.DoesNotExist."""
    sightings = ArticleFeed.objects.select_related("feed__publisher").order_by("first_seen_at", "id")
    return (
        Article.objects.select_related("publisher")
        .defer("text")
        .prefetch_related(Prefetch("sightings", queryset=sightings))
        .get(pk=pk)
    )


def publisher_by_slug(slug: str) -> Publisher:
    """Raises Publisher.DoesNotExist."""
    return Publisher.objects.get(slug=slug)


def sections() -> list[str]:
    """The sections articles are filed under, for the navigation."""
    names = Article.objects.exclude(section="").order_by("section").values_list("section", flat=True).distinct()
    return list(names)
