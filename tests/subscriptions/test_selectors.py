"""selectors: a reader's entries (one per article, under the lowest subscribed feed), filters, order, totals, read
and starred state, unread counts; and what the list costs in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.reading import services as reading
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import Subscription
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_article, make_member

pytestmark = pytest.mark.django_db


def ids(page) -> list[int]:
    return [entry.article.pk for entry in page.items]


def test_each_article_of_the_readers_feeds_once_newest_first(site):
    page = selectors.entries(site.reader)
    assert ids(page) == [site.a1.pk, site.a2.pk, site.a3.pk, site.a5.pk]
    assert page.total == 4
    assert [entry.feed_id for entry in page.items] == [site.f1.pk, site.f1.pk, site.f2.pk, site.f2.pk]
    assert not any(entry.read or entry.starred for entry in page.items)
    assert page.items[0].article.publisher.name == "The Daily Example"  # joined


def test_an_article_is_listed_under_the_lowest_subscribed_feed_that_sighted_it(site):
    """a2 is in f1 and f2: only f1 lists it; once f1 goes, f2 does."""
    assert ids(selectors.entries(site.reader, feed_id=site.f1.pk)) == [site.a1.pk, site.a2.pk]
    assert ids(selectors.entries(site.reader, feed_id=site.f2.pk)) == [site.a3.pk, site.a5.pk]
    Subscription.objects.filter(user=site.reader, feed=site.f1).delete()
    assert ids(selectors.entries(site.reader, feed_id=site.f2.pk)) == [site.a2.pk, site.a3.pk, site.a5.pk]
    assert selectors.entry(site.reader, site.a2.pk).feed_id == site.f2.pk


def test_a_feed_the_reader_does_not_subscribe_to_lists_nothing(site):
    assert selectors.entries(site.reader, feed_id=site.f3.pk).items == []
    assert selectors.entry(site.reader, site.a4.pk) is None
    assert selectors.entries(make_member("new@example.com")).total == 0


def test_category_filter(site):
    default = selectors.default_category(site.reader)
    assert ids(selectors.entries(site.reader, category_id=site.tech.pk)) == [site.a1.pk, site.a2.pk]
    assert ids(selectors.entries(site.reader, category_id=default.pk)) == [site.a3.pk, site.a5.pk]
    assert ids(selectors.entries(site.reader, category_id=default.pk, feed_id=site.f1.pk)) == []
    other = make_member("other@example.com")
    assert selectors.entries(site.reader, category_id=selectors.default_category(other).pk).items == []


def test_order_direction_limit_offset_and_total(site):
    ascending = selectors.entries(site.reader, direction="asc")
    assert ids(ascending) == [site.a5.pk, site.a3.pk, site.a2.pk, site.a1.pk]
    by_id = selectors.entries(site.reader, order="id", direction="desc")
    assert ids(by_id) == sorted(ids(ascending), reverse=True)
    page = selectors.entries(site.reader, limit=2, offset=1)
    assert ids(page) == [site.a2.pk, site.a3.pk] and page.total == 4
    assert selectors.entries(site.reader, limit=2, with_total=False).total is None
    assert selectors.entries(site.reader, limit=0).items == []
    with pytest.raises(ValueError):
        selectors.entries(site.reader, order="title")
    with pytest.raises(ValueError):
        selectors.entries(site.reader, direction="sideways")
    with pytest.raises(ValueError):
        selectors.entries(site.reader, status="skimmed")


def test_equal_times_are_ordered_by_id(site):
    twin = make_article(site.f1.publisher, feeds=(site.f1,), published_at=site.a2.published_at)
    listed = ids(selectors.entries(site.reader))
    assert listed.index(twin.pk) == listed.index(site.a2.pk) - 1  # higher id first, descending
    listed = ids(selectors.entries(site.reader, direction="asc"))
    assert listed.index(twin.pk) == listed.index(site.a2.pk) + 1


def test_time_and_id_bounds_are_exclusive(site):
    after = selectors.entries(site.reader, after=site.a3.published_at)
    assert ids(after) == [site.a1.pk, site.a2.pk]
    before = selectors.entries(site.reader, before=site.a3.published_at)
    assert ids(before) == [site.a5.pk]
    assert ids(selectors.entries(site.reader, after_id=site.a2.pk, order="id", direction="asc")) == [
        site.a3.pk,
        site.a5.pk,
    ]
    assert ids(selectors.entries(site.reader, before_id=site.a2.pk, order="id")) == [site.a1.pk]


def test_search_matches_headline_and_standfirst_in_any_case(site):
    assert ids(selectors.entries(site.reader, search="harbour")) == [site.a1.pk, site.a3.pk]
    assert ids(selectors.entries(site.reader, search="  BUDGET ")) == [site.a2.pk]
    assert selectors.entries(site.reader, search="Not yours").total == 0  # a4 is not the reader's


def test_ids_keep_only_the_readers_entries(site):
    page = selectors.entries(site.reader, ids=[site.a3.pk, site.a4.pk, 10**9])
    assert ids(page) == [site.a3.pk] and page.total == 1


def test_read_and_unread_round_trip(site):
    reader = site.reader
    assert services.set_read(reader, [site.a1.pk, site.a3.pk], True, now=NOW) == 2
    assert ids(selectors.entries(reader, status="read")) == [site.a1.pk, site.a3.pk]
    assert ids(selectors.entries(reader, status="unread")) == [site.a2.pk, site.a5.pk]
    assert selectors.entry(reader, site.a1.pk).read
    assert services.set_read(reader, [site.a1.pk], False, now=NOW) == 1
    assert not selectors.entry(reader, site.a1.pk).read
    assert ids(selectors.entries(reader, status="read")) == [site.a3.pk]
    other = make_member("other@example.com")
    services.subscribe(other, site.f2.url, now=NOW)
    assert not selectors.entry(other, site.a3.pk).read  # read state is the reader's own


def test_starred_is_saved_on_the_web(site):
    reading.save_article(site.reader, site.a5, now=NOW)  # saved on the site
    assert ids(selectors.entries(site.reader, starred=True)) == [site.a5.pk]
    assert selectors.entry(site.reader, site.a5.pk).starred
    assert services.set_starred(site.reader, [site.a2.pk], True, now=NOW) == 1
    assert ids(selectors.entries(site.reader, starred=True)) == [site.a2.pk, site.a5.pk]
    assert ids(selectors.entries(site.reader, starred=False)) == [site.a1.pk, site.a3.pk]


def test_entry_ids(site):
    services.set_read(site.reader, [site.a2.pk], True, now=NOW)
    assert selectors.entry_ids(site.reader, status="unread") == [
        (site.a1.pk, site.a1.published_at),
        (site.a3.pk, site.a3.published_at),
        (site.a5.pk, site.a5.published_at),
    ]
    assert selectors.entry_ids(site.reader, feed_id=site.f2.pk, limit=1, direction="asc") == [
        (site.a5.pk, site.a5.published_at)
    ]
    for filters in ({}, {"status": "unread"}, {"status": "read"}, {"feed_id": site.f2.pk}):
        with_times = selectors.entry_ids(site.reader, order="id", direction="asc", **filters)
        assert selectors.entry_id_list(site.reader, order="id", direction="asc", **filters) == [
            pk for pk, _ in with_times
        ]


def test_unread_counts(site):
    """Unread entries per feed they are listed under; the newest time is the feed's own newest article (a2, listed
    under f1, is f2's newest too)."""
    services.set_read(site.reader, [site.a2.pk, site.a5.pk], True, now=NOW)
    assert selectors.unread_counts(site.reader) == {
        site.f1.pk: (1, site.a1.published_at),
        site.f2.pk: (1, site.a2.published_at),
    }
    services.mark_all_read(site.reader, now=NOW)
    assert selectors.unread_counts(site.reader) == {
        site.f1.pk: (0, site.a1.published_at),
        site.f2.pk: (0, site.a2.published_at),
    }


def test_subscriptions_and_categories(site):
    default = selectors.default_category(site.reader)
    assert [c.title for c in selectors.categories(site.reader)] == ["All", "Tech"]
    assert selectors.categories(site.reader)[0] == default
    subs = selectors.subscriptions(site.reader)
    assert [(s.display_title, s.category.title) for s in subs] == [("Tech", "Tech"), ("World", "All")]
    services.update_subscription(site.reader, subs[1].pk, title="Abroad")
    assert [s.display_title for s in selectors.subscriptions(site.reader)] == ["Abroad", "Tech"]


def test_a_new_reader_gets_the_default_category_once(db):
    fresh = make_member("fresh@example.com")
    assert [c.title for c in selectors.categories(fresh)] == ["All"]
    assert [c.title for c in selectors.categories(fresh)] == ["All"]
    assert selectors.categories(fresh)[0].default


def test_the_list_costs_two_queries_however_long_and_one_without_the_total(site, django_assert_num_queries):
    for n in range(30):
        make_article(site.f2.publisher, feeds=(site.f2, site.f1), published_at=NOW - timedelta(minutes=n))
    reading.save_article(site.reader, site.a1, now=NOW)
    services.set_read(site.reader, [site.a2.pk], True, now=NOW)
    with django_assert_num_queries(2):
        page = selectors.entries(site.reader, limit=100)
        assert len(page.items) == 34
        assert [e.article.publisher.name for e in page.items]  # joined: no query per entry
        assert sum(e.read for e in page.items) == 1 and sum(e.starred for e in page.items) == 1
    with django_assert_num_queries(1):
        selectors.entries(site.reader, category_id=site.tech.pk, status="unread", with_total=False)
    with django_assert_num_queries(1):
        selectors.unread_counts(site.reader)
