"""`newsstand export articles` and the article selectors: output shape, streaming without per-row queries."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command

from newsstand.articles import selectors
from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.sources import services
from newsstand.topics.extraction import FoundTopic
from newsstand.topics.services import set_article_topics
from newsstand.web.templatetags.links import page_url

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
KEYS = {
    "id",
    "url",
    "canonical_url",
    "guid",
    "title",
    "publisher",
    "feed_urls",
    "section",
    "author",
    "published_at",
    "word_count",
    "text",
    "page_path",
    "story_id",
    "duplicate_of",
    "topics",
}


def make_articles(n: int) -> list[Article]:
    bbc = services.get_or_create_publisher(name="BBC News", homepage="https://www.bbc.co.uk/news")
    npr = services.get_or_create_publisher(name="NPR")
    world, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/world/rss.xml", publisher=bbc, section="World")
    uk, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/uk/rss.xml", publisher=bbc, section="UK")
    science, _ = services.add_feed(url="https://feeds.npr.org/1007/rss.xml", publisher=npr, section="Science")
    articles = []
    for i in range(n):
        publisher, feeds, section = (bbc, [world, uk], "World") if i % 2 == 0 else (npr, [science], "Science")
        article = Article.objects.create(
            identity=f"{i:064d}",
            url=f"https://news.example/{i}",
            canonical_url=f"https://news.example/{i}" if i % 3 else "",
            guid=f"guid-{i}",
            publisher=publisher,
            title=f"Story {i} “quoted”",
            text=f"Body of story {i}.\nSecond line.",
            body_html="<p>body</p>",
            author="A. Writer" if i % 2 else "",
            section=section,
            word_count=5,
            published_at=NOW - timedelta(hours=i),
            first_seen_at=NOW,
            updated_at=NOW,
            content_hash="h" * 32,
        )
        for feed in feeds:
            ArticleFeed.objects.create(
                article=article, feed=feed, guid=article.guid, link=article.url, first_seen_at=NOW
            )
        articles.append(article)
    return articles


def export(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("export", "articles", *args, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_export_articles_jsonl_shape():
    articles = make_articles(4)
    rows = export("--format", "jsonl")
    assert [row["id"] for row in rows] == sorted(article.pk for article in articles)
    assert all(set(row) == KEYS for row in rows)
    first = rows[0]
    assert first["publisher"] == "BBC News"
    assert first["feed_urls"] == [
        "https://feeds.bbci.co.uk/news/world/rss.xml",
        "https://feeds.bbci.co.uk/news/uk/rss.xml",
    ]
    assert first["title"] == "Story 0 “quoted”"
    assert first["text"] == "Body of story 0.\nSecond line."
    assert first["published_at"] == NOW.isoformat()
    assert datetime.fromisoformat(rows[1]["published_at"]) == NOW - timedelta(hours=1)
    assert first["page_path"] == f"/articles/{articles[0].pk}/"
    assert (first["story_id"], first["duplicate_of"]) == (None, None)
    assert rows[1]["feed_urls"] == ["https://feeds.npr.org/1007/rss.xml"]
    assert [row["page_path"] for row in rows] == [page_url(article) for article in articles]


@pytest.mark.django_db
def test_export_chunks_keep_every_article_and_its_feeds():
    articles = make_articles(7)
    ArticleFeed.objects.filter(article=articles[4]).delete()
    rows = list(selectors.export_rows(chunk_size=3))
    assert [row["id"] for row in rows] == [article.pk for article in articles]
    assert rows[4]["feed_urls"] == []
    assert [len(row["feed_urls"]) for row in rows] == [2, 1, 2, 1, 0, 1, 2]


@pytest.mark.django_db
def test_export_to_file(tmp_path):
    make_articles(3)
    target = tmp_path / "articles.jsonl"
    call_command("export", "articles", "--output", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["url"].startswith("https://news.example/") for line in lines)


@pytest.mark.django_db
def test_export_makes_no_query_per_row(django_assert_max_num_queries):
    make_articles(60)
    # One query for each chunk of articles and one for each chunk's feeds, however many rows.
    with django_assert_max_num_queries(2):
        assert len(list(selectors.export_rows(chunk_size=1000))) == 60
    with django_assert_max_num_queries(8):
        assert len(list(selectors.export_rows(chunk_size=20))) == 60


@pytest.mark.django_db
def test_export_of_nothing_is_empty():
    assert export() == []


@pytest.mark.django_db
def test_selectors(django_assert_num_queries):
    make_articles(6)
    with django_assert_num_queries(1):
        latest = list(selectors.latest_articles()[:10])
        assert [a.publisher.name for a in latest] == ["BBC News", "NPR"] * 3
    assert latest[0].published_at >= latest[-1].published_at
    assert "text" in latest[0].get_deferred_fields()
    assert {a.section for a in selectors.latest_articles(section="Science")} == {"Science"}
    npr = selectors.publisher_by_slug("npr")
    assert selectors.latest_articles(publisher=npr).count() == 3
    assert selectors.sections() == ["Science", "World"]
    detail = selectors.article_detail(latest[0].pk)
    assert detail.text.startswith("Body")
    assert [s.feed.url for s in selectors.article_sources(detail)] == [
        "https://feeds.bbci.co.uk/news/world/rss.xml",
        "https://feeds.bbci.co.uk/news/uk/rss.xml",
    ]


@pytest.mark.django_db
def test_export_articles_names_each_articles_topics_across_chunks():
    articles = make_articles(5)
    italy, draghi = (
        FoundTopic("Italy", "italy", "place", 0.6),
        FoundTopic("Mario Draghi", "mario-draghi", "person", 0.4),
    )
    set_article_topics({articles[0].pk: [italy, draghi], articles[4].pk: [draghi]})
    rows = export("--chunk-size", "2")
    assert [row["topics"] for row in rows] == [["Italy", "Mario Draghi"], [], [], [], ["Mario Draghi"]]
