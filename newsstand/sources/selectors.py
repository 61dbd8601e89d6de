"""Reads for sources: feed health, counts, and the feeds as OPML outlines."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from newsstand.sources.models import Feed, FeedStatus
from newsstand.sources.opml import OutlineFeed

# The last fetch failed: what `newsstand feeds --failing` lists and the staff's notice on home counts.
_FAILING = Q(status=FeedStatus.ERROR) | Q(consecutive_failures__gt=0)


def feed_health(*, failing: bool = False, private: bool = False) -> QuerySet[Feed]:
    """Feeds with their publisher, for `newsstand feeds` and the admin; `failing`: those whose last fetch failed;
    `private`: members' private sources only (what staff review for promotion, sources.private)."""
    feeds = Feed.objects.select_related("publisher").order_by("publisher__name", "url")
    if failing:
        feeds = feeds.filter(_FAILING)
    if private:
        feeds = feeds.filter(private=True)
    return feeds


@dataclass(frozen=True)
class FeedTrouble:
    active: int
    failing: int

    @property
    def all_failing(self) -> bool:
        return self.active > 0 and self.failing == self.active


def feed_trouble() -> FeedTrouble:
    """How many active feeds there are and how many failed their last fetch, in one query: the staff's notice on
    the home page (every feed failing means nothing new will appear)."""
    counts = Feed.objects.filter(active=True).aggregate(active=Count("id"), failing=Count("id", filter=_FAILING))
    return FeedTrouble(active=counts["active"], failing=counts["failing"])


def outlines_for_export() -> list[OutlineFeed]:
    """Every catalogue feed as an OPML outline, sections in alphabetical order, carrying what import needs to rebuild
    it (members' private sources are theirs, not the catalogue's, until promoted: sources.private)."""
    feeds = Feed.objects.filter(private=False).select_related("publisher").order_by("section", "publisher__name", "url")
    return [
        OutlineFeed(
            url=feed.url,
            title=feed.title,
            html_url=feed.publisher.homepage,
            publisher=feed.publisher.name,
            homepage=feed.publisher.homepage,
            country=feed.publisher.country,
            language=feed.publisher.language,
            section=feed.section,
            full_text=feed.full_text,
            active=feed.active,
        )
        for feed in feeds
    ]
