"""A guard on data: the rows of unread entries always equal their definition (property test).

Any sequence of what changes them (subscribing at any time, so with any backlog edge; unsubscribing; articles of
any age arriving in one or more feeds, or an existing article sighted by another feed; marks read and unread;
mark all read by feed, category and time) leaves each reader's UnreadEntry rows exactly the unread entries the
definition gives, worked out here in Python from the rows it depends on, each listed under the lowest subscribed
feed that sighted it; and unread counts, unread pages and statuses agree with them."""

from __future__ import annotations

from datetime import timedelta

import hypothesis
import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from newsstand.articles.models import Article, ArticleFeed
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import ReadState, Subscription, UnreadEntry
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_article, make_feed, make_member, make_publisher

pytestmark = pytest.mark.django_db

FEEDS = 4
READERS = 2
ages = st.sampled_from([0, 1, 29, 30, 31, 45, 400])  # days before NOW; around the default 30-day edge

steps = st.one_of(
    st.tuples(st.just("subscribe"), st.integers(0, READERS - 1), st.integers(0, FEEDS - 1), ages),
    st.tuples(st.just("unsubscribe"), st.integers(0, READERS - 1), st.integers(0, FEEDS - 1)),
    st.tuples(st.just("article"), st.sets(st.integers(0, FEEDS - 1), min_size=1, max_size=3), ages),
    st.tuples(st.just("sighting"), st.integers(0, 30), st.integers(0, FEEDS - 1)),
    st.tuples(st.just("mark"), st.integers(0, READERS - 1), st.sets(st.integers(0, 30), max_size=4), st.booleans()),
    st.tuples(
        st.just("all_read"),
        st.integers(0, READERS - 1),
        st.sampled_from(["all", "feed", "category"]),
        st.integers(0, FEEDS - 1),
        st.one_of(st.none(), ages),
    ),
)


def expected_unread(user) -> dict[int, int]:
    """article id -> listing feed id, from the definition (unread's docstring), in Python."""
    edges = dict(Subscription.objects.filter(user=user).values_list("feed_id", "unread_since"))
    marks = dict(ReadState.objects.filter(user=user).values_list("article_id", "read"))
    published = dict(Article.objects.values_list("pk", "published_at"))
    sighted: dict[int, set[int]] = {}
    for article_id, feed_id in ArticleFeed.objects.values_list("article_id", "feed_id"):
        if feed_id in edges:
            sighted.setdefault(article_id, set()).add(feed_id)
    found = {}
    for article_id, feeds in sighted.items():
        mark = marks.get(article_id)
        recent = any(published[article_id] >= edges[feed] for feed in feeds)
        if mark is False or (mark is None and recent):
            found[article_id] = min(feeds)
    return found


@pytest.fixture
def world(db):
    publisher = make_publisher()
    feeds = [make_feed(publisher) for _ in range(FEEDS)]
    readers = [make_member(f"reader{n}@example.com") for n in range(READERS)]
    return publisher, feeds, readers


@hypothesis.settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(steps, min_size=1, max_size=14))
# Recent enough only for the subscription that goes (not the one listing it): it must turn read.
@example(script=[("subscribe", 0, 0, 0), ("subscribe", 0, 1, 400), ("article", {0, 1}, 45), ("unsubscribe", 0, 1)])
# A lower feed sights an unread entry later: it moves there; marked unread while backlog, then the feed goes.
@example(
    script=[
        ("subscribe", 0, 2, 400),
        ("article", {2}, 45),
        ("subscribe", 0, 0, 0),
        ("sighting", 0, 0),
        ("mark", 0, {0}, False),
        ("unsubscribe", 0, 2),
        ("all_read", 0, "feed", 0, 31),
    ]
)
def test_unread_rows_always_equal_their_definition(world, script):
    publisher, feeds, readers = world
    with transaction.atomic():
        articles: list[Article] = []
        for step in script:
            kind = step[0]
            if kind == "subscribe":
                _, who, feed, age = step
                if not Subscription.objects.filter(user=readers[who], feed=feeds[feed]).exists():
                    services.subscribe_to_feed(readers[who], feeds[feed], now=NOW - timedelta(days=age))
            elif kind == "unsubscribe":
                _, who, feed = step
                found = Subscription.objects.filter(user=readers[who], feed=feeds[feed]).first()
                if found is not None:
                    services.unsubscribe(readers[who], found.pk)
            elif kind == "article":
                _, carried, age = step
                chosen = tuple(feeds[n] for n in sorted(carried))
                articles.append(make_article(publisher, feeds=chosen, published_at=NOW - timedelta(days=age)))
            elif kind == "sighting" and articles:
                _, which, feed = step
                article = articles[which % len(articles)]
                if not ArticleFeed.objects.filter(article=article, feed=feeds[feed]).exists():
                    ArticleFeed.objects.create(article=article, feed=feeds[feed], first_seen_at=NOW)
            elif kind == "mark" and articles:
                _, who, which, read = step
                chosen_ids = [articles[n % len(articles)].pk for n in which]
                services.set_read(readers[who], chosen_ids, read, now=NOW)
            elif kind == "all_read":
                _, who, scope, feed, age = step
                before = None if age is None else NOW - timedelta(days=age)
                category = selectors.default_category(readers[who]).pk if scope == "category" else None
                services.mark_all_read(
                    readers[who],
                    feed_id=feeds[feed].pk if scope == "feed" else None,
                    category_id=category,
                    before=before,
                    now=NOW,
                )
            for reader in readers:
                want = expected_unread(reader)
                rows = UnreadEntry.objects.filter(user=reader)
                assert dict(rows.values_list("article_id", "feed_id")) == want, step
                assert all(row.published_at == row.article.published_at for row in rows.select_related("article"))

        for reader in readers:
            want = expected_unread(reader)
            counts = {feed: n for feed, (n, _) in selectors.unread_counts(reader).items() if n}
            per_feed: dict[int, int] = {}
            for feed in want.values():
                per_feed[feed] = per_feed.get(feed, 0) + 1
            assert counts == per_feed
            page = selectors.entries(reader, status="unread", limit=1000)
            assert {e.article.pk: e.feed_id for e in page.items} == want and page.total == len(want)
            everything = selectors.entries(reader, limit=1000).items
            assert {e.article.pk for e in everything if not e.read} == set(want)
            services.rebuild_unread(reader)  # the same definition, in SQL
            assert dict(UnreadEntry.objects.filter(user=reader).values_list("article_id", "feed_id")) == want
        transaction.set_rollback(True)
