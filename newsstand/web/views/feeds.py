"""Outbound feeds: Top stories (RSS 2.0 and Atom) and the latest of each section (RSS), teasers only.

Each item is a teaser (newsstand.web.teasers): headline, a description of at most ~40 words, a link to our page, the
dates and the publisher. The body never goes into a feed: readers come to the page for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control

from newsstand.articles import selectors
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.stories import selectors as stories
from newsstand.web import teasers
from newsstand.web.templatetags.links import page_url

TOP_ITEMS = 20
SECTION_ITEMS = 30
FEED_MAX_AGE = 300


@dataclass(frozen=True)
class FeedItem:
    """One entry as every feed format writes it; built whole in `items()` so the feed object keeps no state."""

    title: str
    description: str
    link: str
    author: str
    published: datetime | None
    updated: datetime | None
    guid: str


class TeaserFeed(Feed):
    """The hook methods every feed here shares: they read a prepared FeedItem."""

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: FeedItem) -> bool:
        return False

    def item_author_name(self, item: FeedItem) -> str:
        return item.author

    def item_pubdate(self, item: FeedItem) -> datetime | None:
        return item.published

    def item_updateddate(self, item: FeedItem) -> datetime | None:
        return item.updated


class TopStoriesFeed(TeaserFeed):
    title = "Newsstand: Top stories"
    description = "The stories most publishers are covering right now."

    def link(self) -> str:
        return reverse("web:latest")

    def items(self) -> list[FeedItem]:
        found = stories.top_stories(now=clock.now(), limit=TOP_ITEMS)
        publishers = _publisher_names([story.representative_id for story in found if story.representative_id])
        items = []
        for story in found:
            teaser = teasers.story_teaser(story)
            url = page_url(story)
            items.append(
                FeedItem(
                    title=teaser.headline,
                    description=teaser.description,
                    link=url,
                    author=publishers.get(story.representative_id, teasers.SITE_NAME),
                    published=teaser.published,
                    updated=teaser.modified,
                    guid=f"newsstand:story:{story.pk}",
                )
            )
        return items


class TopStoriesAtomFeed(TopStoriesFeed):
    feed_type = Atom1Feed
    subtitle = TopStoriesFeed.description


class SectionFeed(TeaserFeed):
    """The latest originals in a section; syndicated copies are left out (their original stands for them)."""

    def get_object(self, request: HttpRequest, section: str) -> str:
        if not selectors.latest_articles(section=section).exists():
            raise Http404("No articles in this section.")
        return section

    def title(self, section: str) -> str:
        return f"Newsstand: {section}"

    def description(self, section: str) -> str:
        return f"The latest {section} articles on Newsstand."

    def link(self, section: str) -> str:
        return reverse("web:section", kwargs={"section": section})

    def items(self, section: str) -> list[FeedItem]:
        # `text` stays loaded (only body_html is deferred): an article without a standfirst is described by its
        # first words, cut to the teaser length in teasers.article_teaser.
        articles = (
            selectors.latest_articles(section=section)
            .filter(duplicate_of__isnull=True)
            .defer(None)
            .defer("body_html")[:SECTION_ITEMS]
        )
        return [_article_item(article) for article in articles]


def _article_item(article: Article) -> FeedItem:
    teaser = teasers.article_teaser(article)
    return FeedItem(
        title=teaser.headline,
        description=teaser.description,
        link=page_url(article),
        author=teaser.publisher,
        published=teaser.published,
        updated=teaser.modified,
        guid=f"newsstand:article:{article.pk}",
    )


def _publisher_names(article_ids: list[int]) -> dict[int, str]:
    """Representative article id → its publisher's name, in one query for the whole feed."""
    rows = Article.objects.filter(pk__in=article_ids).values_list("pk", "publisher__name")
    return dict(rows)


_cached = cache_control(public=True, max_age=FEED_MAX_AGE)
top_stories_rss = _cached(TopStoriesFeed())
top_stories_atom = _cached(TopStoriesAtomFeed())
section_rss = _cached(SectionFeed())
