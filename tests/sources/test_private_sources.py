"""Private sources end to end: fetched by the real crawler over loopback, shown to their subscribers alone (page,
save, progress, follow, picks), and promoted by staff (command and admin) into the catalogue."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.ingest import promotion
from newsstand.ingest.stages import store
from newsstand.ingest.types import CleanEntry
from newsstand.reading.models import HistoryEntry, SavedArticle
from newsstand.search import selectors as search
from newsstand.sources import private
from newsstand.sources.models import Feed, Publisher
from newsstand.subscriptions import services as subscriptions
from newsstand.web import caching, member_pages
from newsstand.web.caching import PAGE_CACHE, STATUS_HEADER
from testkit import webserver as w
from testkit.commands import command_output as command
from tests.sources.private_rows import job_for
from tests.web.rows import make_member

NOW = clock.now().replace(microsecond=0)
PUBLISHED = w.http_date(NOW - timedelta(hours=1))
BODY = "<p>" + " ".join(["The allotment committee met about the compost rota."] * 20) + "</p>"


def rss(title: str, items: list[tuple[str, str]], link: str = "https://allotment.example/") -> str:
    entries = "".join(
        f"<item><guid>{guid}</guid><link>https://allotment.example/{guid}</link><title>{headline}</title>"
        f"<description><![CDATA[{BODY}]]></description><pubDate>{PUBLISHED}</pubDate></item>"
        for guid, headline in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{link}</link>{entries}</channel></rss>"
    )


@pytest.mark.django_db(transaction=True)
def test_a_private_source_is_crawled_by_the_pipeline_and_its_articles_are_private(web):
    web.route("/private.xml", w.conditional(rss("Allotment Gazette", [("a1", "Compost rota agreed")])))
    member = make_member("grower@example.com")
    feed = private.add_private_feed(web.url("/private.xml"), added_by=member)
    totals = json.loads(command("crawl", "--once", "--json"))
    assert totals["feeds"] == 1
    article = Article.objects.get()
    feed.refresh_from_db()
    assert article.private and feed.private and feed.status == "ok"
    publisher = Publisher.objects.get(pk=feed.publisher_id)  # named by its channel, still its own and private
    assert (publisher.name, publisher.private, article.publisher_id) == ("Allotment Gazette", True, publisher.pk)
    assert article.story_id is None  # story assignment left it out
    assert search.search_articles(q="compost", now=clock.now()).total == 0


def entry(n: int, title: str) -> CleanEntry:
    return CleanEntry(
        identity=f"id{n}", url=f"https://allotment.example/{n}", guid=f"g{n}", title=title,
        summary_html="<p>Compost.</p>", body_html=BODY, text="compost " * 50, author="Ann Grower", categories=[],
        published_at=NOW - timedelta(hours=n), content_hash=f"c{n}", source_hash=f"s{n}",
    )  # fmt: skip


def stored(feed: Feed, *entries: CleanEntry) -> list[Article]:
    store.store_entries(job=job_for(feed), entries=list(entries), now=NOW)
    return list(Article.objects.filter(identity__in=[e.identity for e in entries]).order_by("identity"))


@pytest.fixture
def secret(db):
    """A private source with one article, a subscriber (a member), and another member."""
    subscriber, other = make_member("grower@example.com"), make_member("neighbour@example.com")
    feed = private.add_private_feed("http://127.0.0.1:9/allotment.xml", added_by=subscriber)
    (article,) = stored(feed, entry(1, "Compost rota agreed"))
    subscriptions.subscribe_to_feed(subscriber, feed, now=NOW)
    return {"feed": feed, "article": article, "subscriber": subscriber, "other": other}


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_article_page_is_the_subscribers_alone_and_never_kept(secret):
    path = f"/articles/{secret['article'].pk}/"
    mine = client_for(secret["subscriber"])
    for _ in range(2):  # the second time too: nothing of the first was kept to be given
        response = mine.get(path)
        assert response.status_code == 200 and b"Compost rota agreed" in response.content
        assert response["Cache-Control"] == "private, no-cache"
        assert response.get(STATUS_HEADER) is None  # made for them: neither cache answered nor made it
    request = RequestFactory().get(path)
    for variant in ("anon", member_pages.VARIANT):
        assert caches[PAGE_CACHE].get(caching.page_key(request, variant)) is None


def test_nobody_else_gets_the_page_nor_can_save_or_follow_it(secret):
    path = f"/articles/{secret['article'].pk}/"
    client_for(secret["subscriber"]).get(path)  # the subscriber first: nothing they made may be handed on
    for client in (client_for(), client_for(secret["other"])):
        assert client.get(path).status_code == 404
    other = client_for(secret["other"])
    pk = secret["article"].pk
    assert other.post(reverse("web:save", kwargs={"pk": pk}), {"saved": "1"}).status_code == 404
    assert other.get(reverse("web:save-later", kwargs={"pk": pk})).status_code == 404
    assert other.post(reverse("web:progress", kwargs={"pk": pk}), {"progress": "0.5"}).status_code == 404
    slug = secret["feed"].publisher.slug
    assert other.post(reverse("web:follow"), {"kind": "publisher", "value": slug}).status_code == 404
    assert other.get(f"/publishers/{slug}/").status_code == 404
    assert not SavedArticle.objects.filter(user=secret["other"]).exists()
    assert not HistoryEntry.objects.filter(user=secret["other"]).exists()

    mine = client_for(secret["subscriber"])
    assert mine.post(reverse("web:save", kwargs={"pk": pk}), {"saved": "1"}).status_code == 302
    assert SavedArticle.objects.filter(user=secret["subscriber"], article_id=pk).exists()


def test_staff_cannot_pick_it(secret, admin_client):
    response = admin_client.post(reverse("web:pick-article", kwargs={"pk": secret["article"].pk}))
    assert response.status_code == 404


def test_a_catalogue_sighting_makes_it_public_under_the_catalogue_publisher(secret):
    paper = Publisher.objects.create(name="County Paper", slug="county-paper")
    public = Feed.objects.create(url="https://county.example/rss.xml", publisher=paper, section="Local")
    (article,) = stored(public, entry(1, "Compost rota agreed"))
    assert (article.private, article.publisher_id, article.section) == (False, paper.pk, "Local")
    assert client_for().get(f"/articles/{article.pk}/").status_code == 200


def test_promote_command_makes_the_feed_its_publisher_and_articles_public(secret):
    feed = secret["feed"]
    listed = json.loads(command("feeds", "--json", "--private"))
    assert [row["id"] for row in listed] == [feed.pk] and listed[0]["private"]
    out = command("feeds", "promote", str(feed.pk))
    assert f"feed {feed.pk}" in out and "1 articles made public" in out
    feed.refresh_from_db()
    publisher = Publisher.objects.get(pk=feed.publisher_id)
    assert not feed.private and not publisher.private and not publisher.slug.startswith("private-")
    article = Article.objects.get(pk=secret["article"].pk)
    assert not article.private
    assert client_for().get(f"/articles/{article.pk}/").status_code == 200
    assert client_for().get(f"/publishers/{publisher.slug}/").status_code == 200
    assert search.search_articles(q="compost", now=clock.now()).total == 1  # indexed on promotion
    assert "was in the catalogue already" in command("feeds", "promote", str(feed.pk))
    with pytest.raises(CommandError, match="no feed with id 999999"):
        command("feeds", "promote", "999999")
    assert json.loads(command("feeds", "--json", "--private")) == []


def test_a_promoted_source_joins_the_catalogue_publisher_of_its_name(secret):
    paper = Publisher.objects.create(name="Allotment Gazette", slug="allotment-gazette")
    Publisher.objects.filter(pk=secret["feed"].publisher_id).update(name="Allotment Gazette")
    left = secret["feed"].publisher_id
    command("feeds", "promote", str(secret["feed"].pk))
    assert Feed.objects.get(pk=secret["feed"].pk).publisher_id == paper.pk
    assert Article.objects.get(pk=secret["article"].pk).publisher_id == paper.pk
    assert not Publisher.objects.filter(pk=left).exists()  # the private one, emptied, is gone


def test_the_admin_action_promotes(secret, admin_client):
    response = admin_client.post(
        reverse("admin:sources_feed_changelist"),
        {"action": "promote", "_selected_action": [secret["feed"].pk]},
        follow=True,
    )
    assert b"1 private sources promoted; 1 articles made public." in response.content
    assert not Article.objects.get(pk=secret["article"].pk).private


def test_promotion_queues_story_assignment_once_it_commits(secret, django_capture_on_commit_callbacks):
    """As the store stage does: the worker is asked to place the articles only when their rows are public."""
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        promotion.promote(secret["feed"].pk)
    assert not DBTaskResult.objects.exists() and len(callbacks) == 1
    callbacks[0]()
    (task,) = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [[secret["article"].pk]]
