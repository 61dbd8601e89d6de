"""A guard on data: a reader's entries are only ever articles of feeds they subscribe to (property test).

Any arrangement of feeds (catalogue or private, another member's private source among them), articles sighted by
any of them, subscriptions of the reader and of someone else, read and starred state, and any filters: entries()
and entry() never give the reader an article that none of their feeds sighted, list each article once, under the
lowest-numbered of their feeds that sighted it, and list every one of them when nothing narrows the list."""

from __future__ import annotations

from datetime import timedelta

import hypothesis
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from newsstand.accounts.models import User
from newsstand.articles.models import ArticleFeed
from newsstand.sources.models import Feed
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import Subscription
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_article, make_feed, make_member, make_publisher

pytestmark = pytest.mark.django_db

FEEDS = 5

arrangements = st.fixed_dictionaries(
    {
        # per article: which feeds sighted it (maybe none)
        "sightings": st.lists(st.sets(st.integers(0, FEEDS - 1), max_size=3), min_size=1, max_size=10),
        "private": st.sets(st.integers(0, FEEDS - 1)),
        "mine": st.sets(st.integers(0, FEEDS - 1)),
        "theirs": st.sets(st.integers(0, FEEDS - 1)),
        "read": st.sets(st.integers(0, 9)),
        "starred": st.sets(st.integers(0, 9)),
    }
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "feed_id": st.integers(0, FEEDS),  # an index; FEEDS: a feed id that does not exist
        "status": st.sampled_from(["read", "unread"]),
        "starred": st.booleans(),
        "ids": st.sets(st.integers(0, 10)),
        "order": st.sampled_from(["published_at", "id"]),
        "direction": st.sampled_from(["asc", "desc"]),
        "in_category": st.booleans(),
    },
)


@pytest.fixture
def people(db) -> tuple[User, User]:
    return make_member("reader@example.com"), make_member("other@example.com")


@hypothesis.settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arrangement=arrangements, chosen=filters)
def test_entries_are_only_ever_articles_of_the_readers_feeds(people, arrangement, chosen):
    reader, other = people
    with transaction.atomic():
        publisher = make_publisher()
        feeds = [make_feed(publisher, private=n in arrangement["private"], added_by=other) for n in range(FEEDS)]
        articles = [
            make_article(publisher, feeds=tuple(feeds[n] for n in sorted(seen)), published_at=NOW - timedelta(hours=i))
            for i, seen in enumerate(arrangement["sightings"])
        ]
        for user, picked in ((reader, arrangement["mine"]), (other, arrangement["theirs"])):
            for n in sorted(picked):
                services.subscribe_to_feed(user, feeds[n], now=NOW)
        everyone = [a.pk for a in articles]
        for user in (reader, other):  # read and starred by both: only the reader's own state may show
            services.set_read(user, [everyone[i] for i in arrangement["read"] if i < len(everyone)], True, now=NOW)
            services.set_starred(
                user, [everyone[i] for i in arrangement["starred"] if i < len(everyone)], True, now=NOW
            )

        mine = set(Subscription.objects.filter(user=reader).values_list("feed_id", flat=True))
        sighted: dict[int, set[int]] = {}
        for article_id, feed_id in ArticleFeed.objects.values_list("article_id", "feed_id"):
            sighted.setdefault(article_id, set()).add(feed_id)
        allowed = {pk: min(seen & mine) for pk, seen in sighted.items() if seen & mine}

        everything = selectors.entries(reader, limit=1000)
        assert {e.article.pk: e.feed_id for e in everything.items} == allowed
        assert everything.total == len(allowed)
        for pk in everyone:
            found = selectors.entry(reader, pk)
            assert (found.feed_id if found else None) == allowed.get(pk)

        kwargs = dict(chosen)
        if "feed_id" in kwargs:
            index = kwargs["feed_id"]
            kwargs["feed_id"] = feeds[index].pk if index < FEEDS else Feed.objects.order_by("-pk")[0].pk + 1
        if "ids" in kwargs:
            kwargs["ids"] = [everyone[i] for i in kwargs["ids"] if i < len(everyone)] + [10**9]
        if kwargs.pop("in_category", False):
            kwargs["category_id"] = selectors.default_category(reader).pk
        page = selectors.entries(reader, limit=1000, **kwargs)
        listed = [e.article.pk for e in page.items]
        assert len(listed) == len(set(listed)) == page.total
        for entry in page.items:
            assert allowed.get(entry.article.pk) == entry.feed_id
            if "feed_id" in kwargs:
                assert entry.feed_id == kwargs["feed_id"]
        id_list = [pk for pk, _ in selectors.entry_ids(reader, **kwargs)]
        assert sorted(id_list) == sorted(listed) and set(id_list) <= set(allowed)
        transaction.set_rollback(True)
