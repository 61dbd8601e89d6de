"""Topics as stored and shown: the links written and replaced, `newsstand backfill-topics`, the article page's
links, the topic page (public articles only, paginated, cards never the text), the REST article's `topics` and
the reader's data export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.test import Client

from newsstand.core import clock
from newsstand.reading import services as reading
from newsstand.topics.extraction import FoundTopic
from newsstand.topics.models import ArticleTopic, Topic
from newsstand.topics.services import set_article_topics
from testkit.commands import command_output as command
from tests.web.rows import make_article, make_member, make_publisher

ITALY = FoundTopic("Italy", "italy", "place", 0.6)
DRAGHI = FoundTopic("Mario Draghi", "mario-draghi", "person", 0.4)
SECRET = "the closing paragraph only members read"
BODY = "".join(f"<p>Paragraph {n} of the body, with words enough to count for the paywall.</p>" for n in range(40))


@pytest.fixture
def publisher(db):
    return make_publisher(name="The Daily Example", slug="daily-example")


def test_topics_are_written_once_per_slug_and_replaced(publisher):
    one, two = make_article(publisher), make_article(publisher)
    assert set_article_topics({one.pk: [ITALY, DRAGHI], two.pk: [FoundTopic("ITALY", "italy", "subject", 1.0)]}) == 3
    assert Topic.objects.get(slug="italy").name == "Italy"  # the first to name it gives name and kind
    set_article_topics({one.pk: [DRAGHI]})
    assert sorted(ArticleTopic.objects.values_list("article_id", "topic__slug")) == sorted(
        [(one.pk, "mario-draghi"), (two.pk, "italy")]
    )
    set_article_topics({one.pk: []})
    assert not ArticleTopic.objects.filter(article=one).exists()


def test_backfill_gives_stored_articles_their_topics_in_batches(publisher):
    text = "Italy said on Friday that Mario Draghi would lead. Mario Draghi agreed, and Italy followed."
    articles = [make_article(publisher, title=f"Mario Draghi in Italy {n}", text=text) for n in range(5)]
    empty = make_article(publisher, title="", text="")
    out = command("backfill_topics", "--batch", "2")
    assert "5 of 6 articles read have topics" in out
    for article in articles:
        assert {"Italy", "Mario Draghi"} <= set(
            ArticleTopic.objects.filter(article=article).values_list("topic__name", flat=True)
        )
    assert not ArticleTopic.objects.filter(article=empty).exists()
    # Again: only the article still without topics is read; --all reads every one.
    assert "0 of 1 articles read" in command("backfill_topics")
    assert "5 of 6 articles read" in command("backfill_topics", "--all")
    assert ArticleTopic.objects.filter(topic__slug="italy").count() == 5
    with pytest.raises(CommandError):
        command("backfill_topics", "--batch", "0")


def test_the_article_page_links_its_topics(client, publisher):
    article = make_article(publisher)
    set_article_topics({article.pk: [ITALY, DRAGHI]})
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert '<a href="/topics/italy/" data-kind="place">Italy</a>' in body
    assert body.index(">Italy<") < body.index(">Mario Draghi<")  # weightiest first


def test_a_topic_page_lists_its_public_articles_newest_first_as_cards(client, publisher):
    now = clock.now()
    shown = [
        make_article(
            publisher,
            title=f"Italy story {n}",
            body_html=BODY + f"<p>{SECRET}</p>",
            published_at=now - timedelta(hours=n),
        )
        for n in range(35)
    ]
    hidden = make_article(publisher, title="A private source's story", private=True)
    copy = make_article(publisher, title="A syndicated copy", duplicate_of=shown[0])
    other = make_article(publisher, title="Not about Italy")
    set_article_topics({a.pk: [ITALY] for a in (*shown, hidden, copy)} | {other.pk: [DRAGHI]})

    first = client.get("/topics/italy/")
    assert first.status_code == 200
    body = first.content.decode()
    assert "<h1>Italy</h1>" in body and "Italy story 0" in body and "Italy story 29" in body
    assert body.index("Italy story 0<") < body.index("Italy story 1<")
    assert "Italy story 30" not in body and SECRET not in body
    assert "A private source" not in body and "A syndicated copy" not in body and "Not about Italy" not in body
    second = client.get("/topics/italy/?page=2").content.decode()
    assert "Italy story 34" in second and "Italy story 0<" not in second
    assert client.get("/topics/italy/?page=99").status_code == 200  # the nearest real page
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_a_topic_in_another_script_has_its_page(client, publisher):
    article = make_article(publisher, title="Встреча в Москве")
    set_article_topics({article.pk: [FoundTopic("Владимир Путин", "владимир-путин", "person", 1.0)]})
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert "/topics/%D0%B2" in body
    assert "Встреча в Москве" in client.get("/topics/владимир-путин/").content.decode()


def test_the_rest_article_names_its_topics(publisher):
    article = make_article(publisher)
    bare = make_article(publisher)
    set_article_topics({article.pk: [DRAGHI, ITALY]})
    assert Client().get(f"/api/v1/articles/{article.pk}").json()["topics"] == ["Italy", "Mario Draghi"]
    assert Client().get(f"/api/v1/articles/{bare.pk}").json()["topics"] == []


def test_the_readers_export_names_each_articles_topics(publisher):
    reader = make_member("reader@example.com")
    saved, read = make_article(publisher, title="Saved"), make_article(publisher, title="Read")
    set_article_topics({saved.pk: [ITALY, DRAGHI]})
    now = clock.now()
    reading.save_article(reader, saved, now=now)
    reading.record_read(reader, read, now=now)
    client = Client()
    client.force_login(reader)
    document = json.loads(client.get("/account/export/").content)
    assert document["saved_articles"][0]["article"]["topics"] == ["Italy", "Mario Draghi"]
    assert document["history"][0]["article"]["topics"] == []
