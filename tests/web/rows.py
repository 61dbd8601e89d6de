"""Rows for the page tests, made through the ORM the way the store stage would leave them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from newsstand.accounts.models import User
from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.membership.models import Membership, Status
from newsstand.sources.models import Feed, Publisher
from newsstand.stories.models import Story
from newsstand.stories.services import index_entities

_serial = itertools.count(1)
NOON = datetime(2020, 4, 21, 12, 0, tzinfo=UTC)


def make_publisher(*, name: str = "The Daily Example", slug: str | None = None, **fields) -> Publisher:
    return Publisher.objects.create(name=name, slug=slug or f"pub-{next(_serial)}", **fields)


def make_feed(publisher: Publisher, **fields) -> Feed:
    fields.setdefault("url", f"https://feeds.example.com/{next(_serial)}.xml")
    return Feed.objects.create(publisher=publisher, **fields)


def make_article(publisher: Publisher, *, feeds: tuple[Feed, ...] = (), **fields) -> Article:
    n = next(_serial)
    published_at = fields.pop("published_at", NOON - timedelta(minutes=n))
    fields.setdefault("title", f"Headline {n}")
    fields.setdefault("url", f"https://news.example.com/story/{n}")
    article = Article.objects.create(
        identity=f"id-{n}",
        publisher=publisher,
        published_at=published_at,
        first_seen_at=fields.pop("first_seen_at", published_at),
        updated_at=published_at,
        content_hash=f"{n:032x}",
        **fields,
    )
    for feed in feeds:
        ArticleFeed.objects.create(article=article, feed=feed, link=article.url, first_seen_at=published_at)
    return article


def make_story(*articles: Article, **fields) -> Story:
    """A story over `articles` (set on them), with the counts and times a clustering pass would have stored."""
    times = [a.published_at for a in articles] or [clock.now() - timedelta(hours=1)]
    fields.setdefault("headline", articles[0].title if articles else f"Story {next(_serial)}")
    fields.setdefault("article_count", len(articles))
    fields.setdefault("publisher_count", len({a.publisher_id for a in articles}))
    fields.setdefault("first_seen_at", min(times))
    fields.setdefault("last_seen_at", max(times))
    story = Story.objects.create(**fields)
    index_entities([story])
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(story=story)
    for article in articles:
        article.story = story
    return story


def make_member(
    email: str, *, status: str = Status.ACTIVE, trial_end: datetime | None = None, period_end: datetime | None = None
) -> User:
    """An account with a membership in `status` (by default active without an end: reads everything)."""
    user = User.objects.create_user(email, password="a long enough passphrase")
    now = clock.now()
    Membership.objects.update_or_create(
        user=user,
        defaults={
            "status": status,
            "trial_ends_at": trial_end,
            "current_period_end": period_end,
            "created_at": now,
            "updated_at": now,
        },
    )
    return user
