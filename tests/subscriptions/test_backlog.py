"""The backlog: a new subscription's old entries (published more than NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS before it)
count as read everywhere unread is asked (status, entry ids, totals, unread counts, mark all read), stay listed,
and become unread only when the reader marks them so; new articles the crawler stores reach subscribers unread."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.ingest.stages import store
from newsstand.ingest.types import CleanEntry, FeedJob
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import Subscription, UnreadEntry
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_article, make_feed, make_member, make_publisher

pytestmark = pytest.mark.django_db

EDGE = NOW - timedelta(days=30)  # the default backlog's edge for a subscription made at NOW


@pytest.fixture
def paper(db):
    publisher = make_publisher(name="The Long Archive")
    feed = make_feed(publisher, url="https://archive.example.com/feed.xml", title="Archive")
    other = make_feed(publisher, url="https://archive.example.com/other.xml", title="Other")

    def at(moment, *feeds):
        return make_article(publisher, feeds=feeds or (feed,), published_at=moment)

    articles = {
        "new": at(NOW - timedelta(days=1)),
        "edge": at(EDGE),  # exactly on the edge: not before it, so unread
        "just_before": at(EDGE - timedelta(seconds=1)),
        "old": at(NOW - timedelta(days=400)),
    }
    return feed, other, articles, at


def unread_ids(user, **filters) -> set[int]:
    return {pk for pk, _ in selectors.entry_ids(user, status="unread", **filters)}


def test_entries_published_before_the_edge_count_as_read_but_stay_listed(paper):
    feed, _, a, _ = paper
    reader = make_member("reader@example.com")
    sub = services.subscribe(reader, feed.url, now=NOW)
    assert sub.unread_since == EDGE
    listed = selectors.entries(reader)
    assert {e.article.pk: e.read for e in listed.items} == {
        a["new"].pk: False,
        a["edge"].pk: False,
        a["just_before"].pk: True,
        a["old"].pk: True,
    }
    assert listed.total == 4
    assert unread_ids(reader) == {a["new"].pk, a["edge"].pk}
    assert selectors.count(reader, status="unread") == 2
    assert selectors.count(reader, status="read") == 2
    assert [e.article.pk for e in selectors.entries(reader, status="read").items] == [a["just_before"].pk, a["old"].pk]
    assert selectors.unread_counts(reader) == {feed.pk: (2, a["new"].published_at)}
    assert selectors.entry(reader, a["old"].pk).read


def test_marking_an_old_entry_unread_makes_it_unread_until_read_again(paper):
    feed, _, a, _ = paper
    reader = make_member("reader@example.com")
    services.subscribe(reader, feed.url, now=NOW)
    assert services.set_read(reader, [a["old"].pk], False, now=NOW) == 1
    assert services.set_read(reader, [a["old"].pk], False, now=NOW) == 0  # unread already
    assert not selectors.entry(reader, a["old"].pk).read
    assert unread_ids(reader) == {a["new"].pk, a["edge"].pk, a["old"].pk}
    assert selectors.unread_counts(reader)[feed.pk][0] == 3
    assert services.set_read(reader, [a["old"].pk], True, now=NOW) == 1
    assert selectors.entry(reader, a["old"].pk).read
    assert selectors.unread_counts(reader)[feed.pk][0] == 2


def test_mark_all_read_counts_only_what_was_unread(paper):
    feed, _, a, _ = paper
    reader = make_member("reader@example.com")
    services.subscribe(reader, feed.url, now=NOW)
    assert services.mark_all_read(reader, feed_id=feed.pk, now=NOW) == 2
    assert unread_ids(reader) == set()
    assert selectors.unread_counts(reader) == {feed.pk: (0, a["new"].published_at)}


def test_the_window_is_the_setting_fixed_when_subscribing(paper, settings):
    feed, _, a, _ = paper
    settings.NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS = 500
    everything = make_member("everything@example.com")
    services.subscribe(everything, feed.url, now=NOW)
    settings.NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS = 0
    nothing = make_member("nothing@example.com")
    services.subscribe(nothing, feed.url, now=NOW)
    assert len(unread_ids(everything)) == 4  # the setting changed since: their window did not
    assert unread_ids(nothing) == set()


def test_a_new_article_reaches_subscribers_unread_and_an_old_dated_one_does_not(paper):
    """Through the store stage, as the crawler stores them (its signal delivers them)."""
    feed, _, _, _ = paper
    reader = make_member("reader@example.com")
    services.subscribe(reader, feed.url, now=NOW - timedelta(days=2))
    job = FeedJob(feed_id=feed.pk, url=feed.url, publisher_id=feed.publisher_id, section="", full_text="never")

    def entry(n: int, published_at, version: int = 1) -> CleanEntry:
        return CleanEntry(
            identity=f"new-{n}", url=f"https://archive.example.com/new/{n}", guid=f"n{n}", title=f"New {n}",
            summary_html="", body_html="<p>b</p>", text="b", author="", categories=[], published_at=published_at,
            content_hash=f"c{n}-{version}", source_hash=f"s{n}-{version}",
        )  # fmt: skip

    store.store_entries(job=job, entries=[entry(1, NOW), entry(2, NOW - timedelta(days=90))], now=NOW)
    fresh, dated = (selectors.entries(reader, search=f"New {n}").items[0] for n in (1, 2))
    assert not fresh.read and dated.read
    later = NOW + timedelta(hours=1)
    store.store_entries(job=job, entries=[entry(1, later, version=2)], now=later)  # re-dated: its row follows
    assert UnreadEntry.objects.get(user=reader, article_id=fresh.article.pk).published_at == later
    assert selectors.unread_counts(reader)[feed.pk] == (4, later)  # subscribed two days ago: three of the four
    assert selectors.entries(reader, feed_id=feed.pk, limit=1).items[0].article.pk == fresh.article.pk


def test_an_entry_two_feeds_sighted_is_unread_if_recent_enough_for_either_subscription(paper):
    """The reader followed `other` for a year and subscribes to `feed` (the lower id, so it lists the shared
    entry) today: an article of both from last month is not backlog to them."""
    feed, other, _, at = paper
    reader = make_member("reader@example.com")
    services.subscribe(reader, other.url, now=NOW - timedelta(days=365))
    shared = at(NOW - timedelta(days=60), feed, other)
    only_new_feed = at(NOW - timedelta(days=60), feed)
    services.subscribe(reader, feed.url, now=NOW)
    assert selectors.entry(reader, shared.pk).feed_id == feed.pk
    assert not selectors.entry(reader, shared.pk).read
    assert selectors.entry(reader, only_new_feed.pk).read
    assert shared.pk in unread_ids(reader, feed_id=feed.pk)
    services.unsubscribe(reader, Subscription.objects.get(user=reader, feed=other).pk)
    assert selectors.entry(reader, shared.pk).read  # only the new subscription is left: backlog to it


def test_unread_entries_and_counts_follow_the_listing_feed_when_one_goes(site):
    """a2 is in f1 and f2, listed (and counted) under f1; unsubscribing f1 moves it to f2, unread still."""
    reader = site.reader
    assert selectors.unread_counts(reader)[site.f1.pk][0] == 2
    services.unsubscribe(reader, Subscription.objects.get(user=reader, feed=site.f1).pk)
    assert set(selectors.unread_counts(reader)) == {site.f2.pk}
    assert selectors.unread_counts(reader)[site.f2.pk][0] == 3
    assert UnreadEntry.objects.get(user=reader, article=site.a2).feed_id == site.f2.pk
    assert not UnreadEntry.objects.filter(user=reader, article=site.a1).exists()


def test_unread_lists_cost_what_they_return(site, django_assert_num_queries):
    for n in range(30):
        make_article(site.f2.publisher, feeds=(site.f2,), published_at=NOW - timedelta(minutes=n))
    with django_assert_num_queries(2):
        page = selectors.entries(site.reader, status="unread", limit=10)
        assert len(page.items) == 10 and page.total == 34
    with django_assert_num_queries(1):
        assert len(selectors.entry_ids(site.reader, status="unread", limit=1000)) == 34
    with django_assert_num_queries(1):
        assert selectors.unread_counts(site.reader)[site.f2.pk][0] == 32
    other = make_member("other@example.com")
    assert selectors.unread_counts(other) == {} and selectors.entries(other, status="unread").total == 0
