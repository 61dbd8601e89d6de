"""services: subscribing (catalogue, private sources for members, caps, refusals), categories, read state, stars,
and what leaves with the account or goes into its export."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.membership.models import Status
from newsstand.reading.selectors import saved_articles
from newsstand.sources import private
from newsstand.sources.models import Feed
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.errors import SubscriptionError
from newsstand.subscriptions.models import Category, ReadState, Subscription
from testkit.webserver import Response, feed
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_feed, make_member, make_publisher

pytestmark = pytest.mark.django_db

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>A Small Blog</title>'
    "<link>{link}</link><item><title>Hello</title><link>{link}hello</link><guid>1</guid></item></channel></rss>"
)


@contextmanager
def refused(code: str):
    with pytest.raises(SubscriptionError) as info:
        yield info
    assert info.value.code == code, info.value.message


# -- the catalogue -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        "https://daily.example.com/world.xml",
        "  http://daily.example.com/world.xml ",
        "https://www.daily.example.com/world.xml",
        "https://DAILY.example.com/world.xml/",
    ],
)
def test_a_catalogue_feed_by_its_url_however_spelt(site, given):
    sub = services.subscribe(make_member("new@example.com"), given, now=NOW)
    assert sub.feed == site.f2 and sub.category.default


def test_a_catalogue_publishers_homepage_names_its_only_feed(db, reader):
    publisher = make_publisher(name="Harbour Times", homepage="https://harbour.example.net/")
    only = make_feed(publisher, url="https://harbour.example.net/rss")
    assert services.subscribe(reader, "https://harbour.example.net", now=NOW).feed == only


def test_non_members_subscribe_to_the_catalogue(site, lapsed):
    assert services.subscribe(lapsed, site.f3.url, now=NOW).feed == site.f3
    unverified = User.objects.create_user("new@example.com", password="a long enough passphrase")
    assert services.subscribe(unverified, site.f3.url, now=NOW).feed == site.f3


def test_subscribing_twice_is_a_duplicate(site):
    with refused("duplicate"):
        services.subscribe(site.reader, "http://daily.example.com/tech.xml", now=NOW)


@pytest.mark.parametrize("url", ["", "daily.example.com/feed", "ftp://daily.example.com/feed", "javascript:x"])
def test_what_is_not_a_web_address_is_invalid(reader, url):
    with refused("invalid_url"):
        services.subscribe(reader, url, now=NOW)


def test_another_readers_category_is_not_found(site):
    other = make_member("other@example.com")
    with refused("not_found"):
        services.subscribe(other, site.f3.url, category=site.tech, now=NOW)


# -- private sources ---------------------------------------------------------------------------------------------


def test_a_member_adds_a_feed_the_catalogue_lacks_as_a_private_source(reader, web):
    web.route("/feed.xml", feed(RSS.format(link=web.url("/"))))
    sub = services.subscribe(reader, web.url("/feed.xml"), title="My blog", now=NOW)
    assert sub.feed.private and sub.feed.added_by == reader and sub.feed.publisher.private
    assert (sub.feed.url, sub.display_title) == (web.url("/feed.xml"), "My blog")


def test_a_site_page_is_discovered_to_its_feed(reader, web):
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="/blog/rss"></head></html>'
    web.route("/", Response(200, page, content_type="text/html"))
    web.route("/blog/rss", feed(RSS.format(link=web.url("/"))))
    sub = services.subscribe(reader, web.url("/"), now=NOW)
    assert sub.feed.url == web.url("/blog/rss") and sub.feed.private


def test_a_site_page_whose_feed_the_catalogue_has_subscribes_to_the_catalogue_feed(reader, web):
    catalogue = make_feed(make_publisher(name="Known"), url=web.url("/known.xml"))
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{catalogue.url}"></head></html>'
    web.route("/about", Response(200, page, content_type="text/html"))
    web.route("/known.xml", feed(RSS.format(link=web.url("/"))))
    assert services.subscribe(reader, web.url("/about"), now=NOW).feed == catalogue
    assert not Feed.objects.filter(private=True).exists()


def test_a_page_with_no_feed_is_not_a_feed(reader, web):
    web.route("/", Response(200, "<html><p>nothing here</p></html>", content_type="text/html"))
    with refused("not_a_feed"):
        services.subscribe(reader, web.url("/"), now=NOW)
    assert not Feed.objects.exists() and not Subscription.objects.exists()


def test_a_private_address_is_refused_before_any_fetch(reader, web, monkeypatch):
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "0")
    web.route("/feed.xml", feed(RSS.format(link=web.url("/"))))
    with refused("refused_address"):
        services.subscribe(reader, web.url("/feed.xml"), now=NOW)
    assert web.requests == [] and not Feed.objects.exists()


@pytest.mark.parametrize("status", [Status.EXPIRED, Status.UNVERIFIED, Status.CANCELED])
def test_non_members_cannot_add_sources(db, web, status):
    web.route("/feed.xml", feed(RSS.format(link=web.url("/"))))
    someone = make_member("someone@example.com", status=status, period_end=NOW - timedelta(days=1))
    with refused("not_allowed") as info:
        services.subscribe(someone, web.url("/feed.xml"), now=NOW)
    assert "member" in info.value.message
    assert web.requests == [] and not Feed.objects.exists()


def test_a_trial_member_may_add_sources(db, web):
    web.route("/feed.xml", feed(RSS.format(link=web.url("/"))))
    trial = make_member("trial@example.com", status=Status.TRIALING, trial_end=NOW + timedelta(days=3))
    assert services.subscribe(trial, web.url("/feed.xml"), now=NOW).feed.private


def test_another_members_private_source_is_shared_but_not_with_non_members(reader, lapsed):
    source = private.add_private_feed("http://127.0.0.1:9/feed.xml", added_by=reader)
    other = make_member("other@example.com")
    assert services.subscribe(other, source.url, now=NOW).feed == source  # no fetch: the feed is stored
    with refused("not_allowed"):
        services.subscribe(lapsed, source.url, now=NOW)
    with refused("not_allowed"):
        services.subscribe_to_feed(lapsed, source, now=NOW)


def test_caps(reader, settings, web):
    settings.NEWSSTAND_SUBSCRIPTIONS_MAX = 3
    settings.NEWSSTAND_PRIVATE_SOURCES_MAX = 1
    publisher = make_publisher()
    catalogue = [make_feed(publisher) for _ in range(3)]
    first = private.add_private_feed("http://127.0.0.1:9/a.xml", added_by=reader)
    second = private.add_private_feed("http://127.0.0.1:9/b.xml", added_by=reader)
    services.subscribe(reader, first.url, now=NOW)
    with refused("cap_reached") as info:
        services.subscribe(reader, second.url, now=NOW)
    assert "1 feeds of your own" in info.value.message
    services.subscribe(reader, catalogue[0].url, now=NOW)
    services.subscribe(reader, catalogue[1].url, now=NOW)
    with refused("cap_reached"):
        services.subscribe(reader, catalogue[2].url, now=NOW)
    with refused("cap_reached"):
        services.subscribe_to_feed(reader, catalogue[2], now=NOW)
    assert Subscription.objects.filter(user=reader).count() == 3
    services.create_category(reader, "Two", now=NOW)
    services.create_category(reader, "Three", now=NOW)  # the default category is the first of three
    with refused("cap_reached"):
        services.create_category(reader, "Four", now=NOW)


# -- changing subscriptions and categories -----------------------------------------------------------------------


def test_unsubscribe_and_update(site):
    sub = Subscription.objects.get(user=site.reader, feed=site.f2)
    other = make_member("other@example.com")
    for call in (
        lambda: services.unsubscribe(other, sub.pk),
        lambda: services.update_subscription(other, sub.pk, title="Mine"),
        lambda: services.update_subscription(site.reader, sub.pk, category=selectors.default_category(other)),
    ):
        with refused("not_found"):
            call()
    moved = services.update_subscription(site.reader, sub.pk, title="  Abroad   news ", category=site.tech.pk)
    assert (moved.title, moved.category) == ("Abroad news", site.tech)
    assert services.update_subscription(site.reader, sub.pk, title="").display_title == "World"
    services.unsubscribe(site.reader, sub.pk)
    assert not Subscription.objects.filter(pk=sub.pk).exists()


def test_categories_are_unique_per_reader_whatever_the_case(site):
    with refused("duplicate"):
        services.create_category(site.reader, "TECH")
    with refused("invalid_title"):
        services.create_category(site.reader, "   ")
    other = make_member("other@example.com")
    assert services.create_category(other, "Tech").user == other
    science = services.create_category(site.reader, "Science", now=NOW)
    with refused("duplicate"):
        services.rename_category(site.reader, science.pk, "tech")
    assert services.rename_category(site.reader, science.pk, "Sciences").title == "Sciences"
    with refused("not_found"):
        services.rename_category(other, science.pk, "Mine")


def test_deleting_a_category_moves_its_feeds_to_the_default_one(site):
    default = selectors.default_category(site.reader)
    with refused("not_allowed"):
        services.delete_category(site.reader, default.pk)
    services.delete_category(site.reader, site.tech.pk)
    assert not Category.objects.filter(pk=site.tech.pk).exists()
    assert set(Subscription.objects.filter(user=site.reader).values_list("category", flat=True)) == {default.pk}
    assert services.rename_category(site.reader, default.pk, "Everything").default


def test_a_category_named_like_the_default_before_it_existed_becomes_it(db):
    fresh = make_member("fresh@example.com")
    Category.objects.create(user=fresh, title="all", created_at=NOW)
    assert [(c.title, c.default) for c in selectors.categories(fresh)] == [("all", True)]


# -- read state and stars ----------------------------------------------------------------------------------------


def test_set_read_counts_changes_and_ignores_other_articles(site):
    assert services.set_read(site.reader, [site.a1.pk, site.a4.pk, 10**9], True, now=NOW) == 1
    assert services.set_read(site.reader, [site.a1.pk], True, now=NOW) == 0  # already read
    assert services.set_read(site.reader, [], True, now=NOW) == 0
    assert not ReadState.objects.filter(article=site.a4).exists()
    assert services.set_read(site.reader, [site.a1.pk, site.a2.pk], False, now=NOW) == 1
    state = ReadState.objects.get(user=site.reader, article=site.a1)
    assert (state.read, state.changed_at) == (False, NOW)
    assert services.set_read(site.reader, [site.a1.pk], True, now=NOW + timedelta(minutes=1)) == 1
    state.refresh_from_db()
    assert (state.read, state.changed_at) == (True, NOW + timedelta(minutes=1))


def test_mark_all_read_by_feed_category_and_time(site):
    assert services.mark_all_read(site.reader, feed_id=site.f2.pk, before=site.a3.published_at, now=NOW) == 2
    assert selectors.entry_ids(site.reader, status="read") == [
        (site.a3.pk, site.a3.published_at),
        (site.a5.pk, site.a5.published_at),
    ]
    assert services.mark_all_read(site.reader, category_id=site.tech.pk, now=NOW) == 2
    assert services.mark_all_read(site.reader, now=NOW) == 0
    assert services.mark_all_read(site.reader, feed_id=site.f3.pk, now=NOW) == 0
    assert not ReadState.objects.filter(article__in=[site.a4]).exists()


def test_set_starred_saves_through_reading(site):
    assert services.set_starred(site.reader, [site.a1.pk, site.a4.pk], True, now=NOW) == 1
    assert services.set_starred(site.reader, [site.a1.pk], True, now=NOW) == 0
    assert [a.pk for a in saved_articles(site.reader)] == [site.a1.pk]  # the web's saved list
    assert services.set_starred(site.reader, [site.a1.pk, site.a2.pk], False, now=NOW) == 1
    assert not saved_articles(site.reader).exists()


# -- the account -------------------------------------------------------------------------------------------------


def test_export_has_subscriptions_categories_and_read_states(site):
    services.set_read(site.reader, [site.a1.pk], True, now=NOW)
    document = export.collect(site.reader, now=NOW)
    assert [(s["feed_url"], s["category"]) for s in document["subscriptions"]] == [
        (site.f1.url, "Tech"),
        (site.f2.url, "All"),
    ]
    assert {c["title"] for c in document["categories"]} == {"All", "Tech"}
    assert [(r["read"], r["article"]["id"]) for r in document["read_states"]] == [(True, site.a1.pk)]


def test_deleting_the_account_removes_subscriptions_categories_and_read_states(site):
    from newsstand.accounts import services as accounts

    services.set_read(site.reader, [site.a1.pk], True, now=NOW)
    accounts.delete_account(site.reader, password="a long enough passphrase")
    assert not Subscription.objects.exists() and not Category.objects.exists() and not ReadState.objects.exists()
    assert Feed.objects.filter(pk=site.f1.pk).exists()
