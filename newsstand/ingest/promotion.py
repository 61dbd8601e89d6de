"""Promotion: staff take a member's private source into the catalogue (sources.private).

The feed and its publisher become public (sources.services.publish_feed), and every article the feed sighted that
was private becomes public under the feed's publisher and section, as a catalogue sighting would make it (the store
stage's `make_public`). From then on those articles are on the public pages; they are indexed for search in the
same transaction and queued for story assignment once it commits, as the store stage does with what it writes
(ingest.pipeline.store_batch). Here, in the
pipeline's app, because it writes what the store stage wrote and queues the same follow-on work; the admin action
and `newsstand feeds promote` call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction

from newsstand.articles.models import ArticleFeed
from newsstand.ingest.stages.store import make_public
from newsstand.search import services as search_index
from newsstand.sources import services as sources
from newsstand.sources.models import Feed
from newsstand.stories import tasks as story_tasks


@dataclass(frozen=True, slots=True)
class Promotion:
    feed: Feed
    articles: int  # made public by this promotion
    was_private: bool


def promote(feed_id: int) -> Promotion:
    """Make the feed part of the catalogue with its publisher and articles. Idempotent: a catalogue feed is left
    as it is (`was_private` False). Raises Feed.DoesNotExist for an unknown id."""
    with transaction.atomic():
        was_private = Feed.objects.filter(pk=feed_id).values_list("private", flat=True).get()
        feed, left = sources.publish_feed(feed_id=feed_id)
        sighted = list(ArticleFeed.objects.filter(feed_id=feed.pk).values_list("article_id", flat=True))
        public = make_public(sighted, publisher_id=feed.publisher_id, section=feed.section)
        if left is not None:
            sources.delete_publisher_if_unused(left)
        search_index.index_articles(public)
        transaction.on_commit(partial(story_tasks.enqueue_assignment, public))
    return Promotion(feed=feed, articles=len(public), was_private=was_private)
