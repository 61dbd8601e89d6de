"""Private sources: add_private_feed's address check and reuse, and what the store stage marks private."""

from __future__ import annotations

import socket

import pytest

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.ingest.stages import claim, store
from newsstand.ingest.types import CleanEntry
from newsstand.sources import private
from newsstand.sources.models import Feed, Publisher
from tests.sources.private_rows import job_for


@pytest.fixture
def member(db) -> User:
    return User.objects.create_user(email="reader@example.com", password="pw-long-enough-1")


@pytest.fixture
def guarded(monkeypatch):
    """The production rule: loopback and private addresses refused (the test plugin allows them for the
    loopback servers)."""
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "0")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.xml",
        "http://127.9.9.9:8080/feed.xml",
        "http://[::1]/feed.xml",
        "http://10.1.2.3/rss",
        "https://192.168.0.10/atom.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/feed",
        "http://localhost/feed.xml",  # a host name that resolves to loopback
        "http://0.0.0.0/feed",
    ],
)
def test_loopback_and_private_addresses_are_refused(member, guarded, url):
    with pytest.raises(private.RefusedSource) as refused:
        private.add_private_feed(url, added_by=member)
    assert refused.value.code == "refused_address"
    assert not Feed.objects.exists() and not Publisher.objects.exists()


def test_a_name_that_resolves_to_loopback_is_refused(member, guarded, monkeypatch):
    """Any name at all, checked by what it resolves to (the resolver answers for a name of our choosing)."""
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "feeds.intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(private.RefusedSource) as refused:
        private.add_private_feed("http://feeds.intranet.example/rss", added_by=member)
    assert refused.value.code == "refused_address"


def test_the_setting_lets_loopback_through(member, monkeypatch):
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "1")
    for url in ("http://127.0.0.1:9/feed.xml", "http://[::1]:9/feed.xml", "http://10.0.0.1/rss", "http://localhost/x"):
        assert private.add_private_feed(url, added_by=member).private


@pytest.mark.parametrize(
    "url",
    ["", "feed.xml", "ftp://example.com/feed", "javascript:alert(1)", "http://", "http://user:pw@127.0.0.1/feed",
     "http://127.0.0.1:99999/feed", "https://" + "a" * 2000 + ".example/"],
)  # fmt: skip
def test_what_is_not_a_fetchable_address_is_invalid(member, url):
    with pytest.raises(private.RefusedSource) as refused:
        private.add_private_feed(url, added_by=member)
    assert refused.value.code == "invalid_url"


def test_a_new_private_feed_is_due_soon_under_its_own_private_publisher(member):
    now = clock.now()
    feed = private.add_private_feed("  http://127.0.0.1:9/blog/feed.xml ", added_by=member, now=now)
    assert (feed.url, feed.private, feed.added_by, feed.active, feed.next_fetch_at) == (
        "http://127.0.0.1:9/blog/feed.xml", True, member, True, now,
    )  # fmt: skip
    assert feed.publisher.private and feed.publisher.name == "127.0.0.1:9/blog"
    assert [job.feed_id for job in claim.claim_due_feeds(owner="t", now=now, limit=10)] == [feed.pk]


def test_the_same_url_is_one_feed_and_a_catalogue_feed_stays_public(member):
    other = User.objects.create_user(email="other@example.com", password="pw-long-enough-2")
    first = private.add_private_feed("http://127.0.0.1:9/a.xml", added_by=member)
    again = private.add_private_feed("http://127.0.0.1:9/a.xml", added_by=other)
    assert again.pk == first.pk and again.added_by == member
    paper = Publisher.objects.create(name="Paper", slug="paper")
    public = Feed.objects.create(url="http://127.0.0.1:9/public.xml", publisher=paper)
    assert private.add_private_feed(public.url, added_by=member) == public
    assert not Feed.objects.get(pk=public.pk).private
    assert Publisher.objects.filter(private=True).count() == 1


def entry(n: int) -> CleanEntry:
    return CleanEntry(
        identity=f"id{n}", url=f"https://example.com/{n}", guid=f"g{n}", title=f"Title {n}", summary_html="",
        body_html="<p>b</p>", text="b", author="", categories=[], published_at=clock.now(), content_hash=f"c{n}",
        source_hash=f"s{n}",
    )  # fmt: skip


def test_an_article_is_private_only_while_every_feed_that_sighted_it_is_private(member):
    secret = private.add_private_feed("http://127.0.0.1:9/secret.xml", added_by=member)
    paper = Publisher.objects.create(name="Paper", slug="paper")
    public = Feed.objects.create(url="http://127.0.0.1:9/public.xml", publisher=paper, section="World")
    now = clock.now()
    _, touched = store.store_entries(job=job_for(secret), entries=[entry(1), entry(2)], now=now)
    assert Article.objects.filter(private=True).count() == 2
    assert set(Article.objects.values_list("publisher_id", flat=True)) == {secret.publisher_id}

    # A catalogue feed carries article 1 (unchanged): public, under the catalogue feed's publisher and section.
    one = Article.objects.get(identity="id1")
    _, touched = store.store_entries(job=job_for(public), entries=[], unchanged_ids=[one.pk], now=now)
    one.refresh_from_db()
    assert (one.private, one.publisher_id, one.section) == (False, paper.pk, "World")
    assert touched == [one.pk]  # indexed and clustered now that it is public
    assert Article.objects.get(identity="id2").private

    # The private feed sighting it again leaves it public; a new article of the public feed is public.
    store.store_entries(job=job_for(secret), entries=[entry(1), entry(3)], now=now)
    store.store_entries(job=job_for(public), entries=[entry(4)], now=now)
    assert dict(Article.objects.values_list("identity", "private")) == {
        "id1": False, "id2": True, "id3": True, "id4": False,
    }  # fmt: skip


def test_a_private_feed_claimed_by_the_schedule_stores_private_articles(member):
    feed = private.add_private_feed("http://127.0.0.1:9/secret.xml", added_by=member)
    (job,) = claim.claim_due_feeds(owner="t", now=clock.now(), limit=5)
    assert job.private
    store.store_entries(job=job, entries=[entry(1)], now=clock.now())
    assert Article.objects.get().private and Article.objects.get().publisher_id == feed.publisher_id


def test_a_private_feeds_channel_names_its_own_publisher(member):
    paper = Publisher.objects.create(
        name="Example Gazette", slug="example-gazette", homepage="https://gazette.example/"
    )
    feed = private.add_private_feed("http://127.0.0.1:9/secret.xml", added_by=member)
    from newsstand.sources import services

    placed = services.place_fetched_feed(
        feed_id=feed.pk, channel_title="Example Gazette", channel_link="https://gazette.example/"
    )
    assert placed is not None and placed[0] == feed.publisher_id != paper.pk
    publisher = Publisher.objects.get(pk=feed.publisher_id)
    assert (publisher.name, publisher.private, publisher.slug.startswith("private-")) == ("Example Gazette", True, True)
