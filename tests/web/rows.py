"""Rows for the page tests, made through the ORM the way the store stage would leave them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources.models import Feed, Publisher

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
