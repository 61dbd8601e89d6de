"""What the tests of private sources share: the store stage's job for a feed, as the claim stage would hand it over."""

from __future__ import annotations

from newsstand.ingest.types import FeedJob
from newsstand.sources.models import Feed


def job_for(feed: Feed) -> FeedJob:
    return FeedJob(
        feed_id=feed.pk, url=feed.url, publisher_id=feed.publisher_id, section=feed.section, full_text="never",
        private=feed.private,
    )  # fmt: skip
