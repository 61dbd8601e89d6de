"""Stories do not depend on the order in which the crawler stores feeds: the same articles stored feed by feed in
different orders, or several feeds to a transaction, are placed in the same stories (stories.services, "in
publication order, then identity")."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.core.html import CleanHtml
from newsstand.ingest import pipeline
from newsstand.ingest.stages import schedule, store
from newsstand.ingest.types import CleanEntry, FeedJob, FetchResult
from newsstand.sources.models import Feed, Publisher
from newsstand.stories import services
from newsstand.stories.models import ArticleFeatures, ClusteringState, Story

# Fifteen AllSides items of five events (../shared/data/stories/allsides_events_dev.jsonl: title, text excerpt),
# spread over three feeds and sixteen days: the storing orders below made 8 to 11 stories of them when each task
# placed its own articles in id order.
ITEMS = json.loads((Path(__file__).resolve().parent.parent / "data" / "stories" / "assignment_order.json").read_text())


def entries_of(feed: str, now) -> list[CleanEntry]:
    entries = []
    for item in ITEMS:
        if item["feed"] == feed:
            key = f"{feed}-{item['hours_ago']}"
            entries.append(
                CleanEntry(
                    identity=key,
                    url=f"https://{feed}.example/{key}",
                    guid=key,
                    title=item["title"],
                    summary_html=CleanHtml(f"<p>{escape(item['standfirst'])}</p>"),
                    body_html=CleanHtml(""),
                    text=item["standfirst"],
                    author="",
                    categories=[],
                    published_at=now - timedelta(hours=item["hours_ago"]),
                    content_hash=key,
                    source_hash=key,
                )  # fmt: skip
            )
    return entries


def write(feeds: list[str], jobs: dict[str, FeedJob], now) -> None:
    """One store step of the pipeline (one transaction, one story task queued after it commits)."""
    writes = []
    for name in feeds:
        job = jobs[name]
        result = FetchResult(requested_url=job.url, url=job.url, status=200)
        next_fetch = schedule.after_success(job=job, result=result, meta=None, now=now)
        writes.append(
            store.FeedWrite(job=job, now=now, next_fetch=next_fetch, result=result, entries=entries_of(name, now))
        )
    pipeline.store_batch(writes)


def stories_after(order: list[list[str]]) -> frozenset[frozenset[str]]:
    """Store the feeds in `order` (a list of store steps), run the queued story tasks; the stories, as identities."""
    Article.objects.all().delete()
    Story.objects.all().delete()
    ArticleFeatures.objects.all().delete()
    ClusteringState.objects.all().delete()
    DBTaskResult.objects.all().delete()
    services.reset_cache()
    now = clock.now()
    jobs = {}
    for name in "abc":
        feed = Feed.objects.get(url=f"https://{name}.example/feed.xml")
        jobs[name] = FeedJob(
            feed_id=feed.pk, url=feed.url, publisher_id=feed.publisher_id, section="World", full_text="never"
        )
    for step in order:
        write(step, jobs, now)
    assert DBTaskResult.objects.count() == len(order)
    call_command("worker", "--batch", verbosity=0)
    placed: dict[int, set[str]] = {}
    for identity, story in Article.objects.values_list("identity", "story_id"):
        assert story is not None, identity
        placed.setdefault(story, set()).add(identity)
    return frozenset(frozenset(members) for members in placed.values())


@pytest.mark.django_db(transaction=True)
def test_the_order_feeds_are_stored_in_makes_the_same_stories():
    for name in "abc":
        publisher = Publisher.objects.create(name=name.upper(), slug=name)
        Feed.objects.create(url=f"https://{name}.example/feed.xml", publisher=publisher, section="World")
    first = stories_after([["a"], ["b"], ["c"]])
    assert len(first) < len(ITEMS)  # the events were found (the same stories by chance would prove nothing)
    assert stories_after([["c"], ["b"], ["a"]]) == first
    assert stories_after([["b", "c"], ["a"]]) == first
    assert stories_after([["b"], ["a"], ["c"]]) == first
