"""A guard on data (property test): a private source's articles reach its subscribers and nobody else.

Any mix of catalogue and private feeds, articles sighted by any of them in any order (some by both kinds, some
syndicated copies of each other), stored by the real store stage, indexed and clustered by the real services:
every public route, asked by an anonymous reader, by a member who subscribes to nothing private, and through both
page caches (the anonymous pages and the members' shared copies, made first by a subscriber's request), never shows
an article that only private feeds sighted, nor a private publisher, section or feed; the subscriber gets their
private article's page, made for them alone. Promoting a private feed makes what it sighted public."""

from __future__ import annotations

import random
from datetime import timedelta

import hypothesis
import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st

from newsstand.articles import selectors as articles
from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.ingest import promotion
from newsstand.ingest.stages import store
from newsstand.ingest.types import CleanEntry
from newsstand.reading import selectors as reading
from newsstand.reading.models import Follow, FollowKind
from newsstand.search import selectors as search
from newsstand.search import services as search_index
from newsstand.sources import selectors as sources
from newsstand.sources.models import Feed, Publisher
from newsstand.stories import selectors as stories
from newsstand.stories import services as story_services
from newsstand.stories.models import Story
from newsstand.subscriptions import services as subscriptions
from testkit.caches import empty_caches
from tests.sources.private_rows import job_for
from tests.web.rows import make_member

pytestmark = pytest.mark.django_db

FEEDS = 4
SECTIONS = ("Worldq", "Artsq", "Zemblaq")  # words that nothing else on a page says
WORDS = [
    "harbour",
    "council",
    "budget",
    "river",
    "bridge",
    "school",
    "election",
    "minister",
    "hospital",
    "strike",
    "weather",
    "storm",
    "rail",
    "station",
    "museum",
    "concert",
    "football",
    "league",
    "market",
    "prices",
    "energy",
    "water",
    "farmers",
    "village",
    "court",
    "judge",
    "police",
    "festival",
    "airport",
    "flights",
    "teachers",
    "nurses",
    "housing",
    "rents",
    "tenants",
    "landlord",
    "mayor",
    "island",
    "ferry",
    "fishing",
    "coast",
]
NOW = clock.now().replace(microsecond=0)

arrangements = st.fixed_dictionaries(
    {
        "private": st.sets(st.integers(0, FEEDS - 1), min_size=1),
        "sections": st.lists(st.sampled_from(SECTIONS), min_size=FEEDS, max_size=FEEDS),
        # per article: the feeds that sight it, in the order they do; and which wire text it carries
        "sightings": st.lists(
            st.tuples(st.lists(st.integers(0, FEEDS - 1), min_size=1, max_size=3, unique=True), st.integers(0, 3)),
            min_size=1,
            max_size=7,
        ),
        "subscribed": st.sets(st.integers(0, FEEDS - 1)),  # the subscriber's feeds
        "promote": st.integers(0, FEEDS - 1),
    }
)


def _wire_text(group: int) -> str:
    words = list(WORDS)
    random.Random(group).shuffle(words)
    return " ".join(words * 3)


def _entry(n: int, group: int) -> CleanEntry:
    text = _wire_text(group)
    return CleanEntry(
        identity=f"id{n}", url=f"https://news.example/{n}", guid=f"g{n}", title=f"Harbour Marker{n:02d}q news",
        summary_html="<p>The harbour council met.</p>", body_html=f"<p>{text}</p>", text=text,
        author="Ann Writer", categories=[], published_at=NOW - timedelta(minutes=10 * (n + 1)),
        content_hash=f"c{n}", source_hash=f"s{n}", word_count=len(text.split()),
    )  # fmt: skip


def _build(arrangement, subscriber) -> list[Feed]:
    feeds = []
    for n in range(FEEDS):
        private = n in arrangement["private"]
        publisher = Publisher.objects.create(
            name=f"Hidden Press {n}q" if private else f"Open Press {n}",
            slug=f"private-{n:016x}" if private else f"open-press-{n}",
            private=private,
        )
        feeds.append(
            Feed.objects.create(
                url=f"https://feeds{n}.example/{'secretfeed' if private else 'rss'}.xml",
                publisher=publisher,
                section=arrangement["sections"][n],
                private=private,
            )
        )
    rounds = max(len(seen) for seen, _ in arrangement["sightings"])
    for round_ in range(rounds):  # each article sighted by its feeds in its order
        for n, feed in enumerate(feeds):
            batch = [
                _entry(i, group)
                for i, (seen, group) in enumerate(arrangement["sightings"])
                if len(seen) > round_ and seen[round_] == n
            ]
            if batch:
                store.store_entries(job=job_for(feed), entries=batch, now=NOW)
    every = list(Article.objects.values_list("pk", flat=True))
    search_index.index_articles(every)
    story_services.assign_articles(article_ids=every, now=NOW)
    for n in sorted(arrangement["subscribed"]):
        subscriptions.subscribe_to_feed(subscriber, feeds[n], now=NOW)
    return feeds


def _secrets() -> tuple[dict[int, str], list[str]]:
    """The private articles (id → title marker), and every other string that must stay off public pages: private
    publishers' names and private feeds' addresses, and the sections that only private feeds and articles have."""
    hidden = {pk: title.split()[1] for pk, title in Article.objects.filter(private=True).values_list("pk", "title")}
    words = [name for name in Publisher.objects.filter(private=True).values_list("name", flat=True)]
    words += ["secretfeed"]  # every private feed's address, and no public one's
    public_sections = set(Article.objects.filter(private=False).values_list("section", flat=True))
    public_sections |= set(Feed.objects.filter(private=False).values_list("section", flat=True))
    words += [name for name in SECTIONS if name not in public_sections]
    return hidden, words


def _public_routes() -> list[str]:
    routes = ["/", f"/?section={SECTIONS[0]}", "/authors/Ann Writer/", "/search/?q=harbour", "/search/?q=Marker"]
    routes += [f"/sections/{name}/" for name in SECTIONS] + [f"/feeds/sections/{name}.xml" for name in SECTIONS]
    routes += ["/feeds/top.xml", "/feeds/top.atom"]
    routes += [f"/publishers/{slug}/" for slug in Publisher.objects.values_list("slug", flat=True)]
    routes += [f"/?publisher={slug}" for slug in Publisher.objects.values_list("slug", flat=True)]
    routes += [f"/stories/{pk}/" for pk in Story.objects.values_list("pk", flat=True)]
    routes += [f"/articles/{pk}/" for pk in Article.objects.values_list("pk", flat=True)]
    return routes


def _assert_nothing_private(body: str, where: str, hidden: dict[int, str], words: list[str]) -> None:
    for pk, marker in hidden.items():
        assert marker not in body, f"private article {pk} ({marker}) shown on {where}"
    for word in words:
        if word not in where:  # a section's own address names it, whatever it holds
            at = body.find(word)
            assert word not in body, f"{word!r} shown on {where}: {body[max(0, at - 300) : at + 100]}"


def _seen_by(subscriber) -> set[int]:
    mine = set(subscriber.subscriptions.values_list("feed_id", flat=True))
    return set(ArticleFeed.objects.filter(feed_id__in=mine).values_list("article_id", flat=True))


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people(db):
    subscriber, other = make_member("subscriber@example.com"), make_member("other@example.com")
    return subscriber, other


@hypothesis.settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its arrangement; shrinking takes minutes
)
@given(arrangement=arrangements)
def test_private_articles_reach_only_their_subscribers(people, arrangement, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    subscriber, other = people
    with transaction.atomic():
        empty_caches()
        story_services.reset_cache()
        feeds = _build(arrangement, subscriber)

        # The store stage's rule: private exactly while every feed that sighted it is private.
        for article in Article.objects.prefetch_related("feeds"):
            assert article.private == all(feed.private for feed in article.feeds.all())
            if article.private:  # in no story, no copy and no original
                assert article.story_id is None and article.duplicate_of_id is None
                assert not Article.objects.filter(duplicate_of=article).exists()
        hidden, words = _secrets()

        # The other reader follows everything, the private publisher and sections included (as rows: the follow
        # button refuses a private publisher), and has read nothing.
        for publisher in Publisher.objects.all():
            Follow.objects.create(user=other, kind=FollowKind.PUBLISHER, publisher=publisher, created_at=NOW)
        for name in SECTIONS:
            Follow.objects.create(user=other, kind=FollowKind.SECTION, section=name, created_at=NOW)

        # The selectors behind every surface, asked directly.
        listed = [a.pk for a in articles.Listed()[0:100]] + [a.pk for a in articles.latest_articles()]
        listed += [a.pk for a in reading.for_you(other, now=NOW, limit=50)]
        listed += [hit.article.pk for hit in search.search_articles(q="harbour", now=NOW, per_page=50).hits]
        listed += [row["id"] for row in articles.export_rows()]
        assert not set(listed) & set(hidden)
        assert articles.listed_count() == len(articles.Listed()[0:100])  # pages count what they show
        for name in SECTIONS:
            assert articles.listed_count(section=name) == len(articles.Listed(section=name)[0:100])
        assert not set(articles.sections()) - set(
            Article.objects.filter(private=False).values_list("section", flat=True)
        )
        assert all(story.article_count for story in stories.top_stories(now=NOW))
        assert not [o for o in sources.outlines_for_export() if "secretfeed" in o.url]

        # Every public route, for each reader, twice (the second from the page caches), the subscriber first so
        # that any copy their request could leave behind is there to be given to the others.
        mine = _seen_by(subscriber)
        readers = {"subscriber": _client(subscriber), "anonymous": _client(), "member": _client(other)}
        for _ in range(2):
            for route in _public_routes():
                for name, client in readers.items():
                    response = client.get(route)
                    private_article = route.startswith("/articles/") and int(route.split("/")[2]) in hidden
                    if name == "subscriber" and private_article:
                        pk = int(route.split("/")[2])
                        if pk in mine:
                            assert response.status_code == 200, route
                            assert hidden[pk] in response.content.decode()
                            assert response["Cache-Control"].startswith("private")
                        else:
                            assert response.status_code == 404, route
                        continue
                    if private_article:
                        assert response.status_code == 404, (name, route)
                    body = response.content.decode()
                    _assert_nothing_private(body, f"{route} for {name}", hidden, words)

        # Promotion: what the feed sighted is public, on its page and in the lists, for everyone.
        feed = feeds[arrangement["promote"]]
        sighted = set(ArticleFeed.objects.filter(feed=feed).values_list("article_id", flat=True))
        promotion.promote(feed.pk)
        assert not Article.objects.filter(pk__in=sighted, private=True).exists()
        assert not Feed.objects.get(pk=feed.pk).private and not Feed.objects.get(pk=feed.pk).publisher.private
        empty_caches()
        anonymous = _client()
        shown = {a.pk for a in articles.Listed()[0:100]}
        for pk in sighted:
            assert anonymous.get(f"/articles/{pk}/").status_code == 200
            original = Article.objects.get(pk=pk).duplicate_of_id
            assert pk in shown or original in shown  # listed, or folded into its original
        transaction.set_rollback(True)
