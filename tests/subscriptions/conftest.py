"""A small catalogue and readers for the subscription tests, made through the ORM as the store stage leaves rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.membership.models import Status
from newsstand.sources.models import Feed
from newsstand.subscriptions import services
from newsstand.subscriptions.models import Category
from tests.web.rows import make_article, make_feed, make_member, make_publisher

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)


@dataclass
class Site:
    """Three feeds, f1 < f2 < f3 by id; the reader subscribes to f1 (in "Tech") and f2 (in the default category).

    a1: f1 · a2: f1 and f2 (listed under f1) · a3: f2 and f3 (listed under f2) · a4: f3 only (not the reader's)
    · a5: f2 only. Published a1 newest … a5 oldest, an hour apart."""

    reader: User
    f1: Feed
    f2: Feed
    f3: Feed
    tech: Category
    a1: Article
    a2: Article
    a3: Article
    a4: Article
    a5: Article


@pytest.fixture
def reader(db) -> User:
    return make_member("reader@example.com")


@pytest.fixture
def lapsed(db) -> User:
    return make_member("lapsed@example.com", status=Status.EXPIRED)


@pytest.fixture
def site(reader) -> Site:
    publisher = make_publisher(name="The Daily Example", homepage="https://daily.example.com/")
    f1 = make_feed(publisher, url="https://daily.example.com/tech.xml", title="Tech", section="Tech")
    f2 = make_feed(publisher, url="https://daily.example.com/world.xml", title="World", section="World")
    f3 = make_feed(make_publisher(name="Elsewhere"), url="https://elsewhere.example.org/feed")

    def at(hours: int, *feeds: Feed, **fields) -> Article:
        return make_article(feeds[0].publisher, feeds=feeds, published_at=NOW - timedelta(hours=hours), **fields)

    a1 = at(1, f1, title="Chips and the Harbour", summary="<p>Semiconductors arrive</p>")
    a2 = at(2, f1, f2, title="Budget day")
    a3 = at(3, f2, f3, title="Storm warning", summary="<p>The HARBOUR closes</p>")
    a4 = at(4, f3, title="Not yours")
    a5 = at(5, f2, title="Elections")
    tech = services.create_category(reader, "Tech", now=NOW)
    services.subscribe(reader, f1.url, category=tech, now=NOW)
    services.subscribe(reader, f2.url, now=NOW)
    return Site(reader, f1, f2, f3, tech, a1, a2, a3, a4, a5)
