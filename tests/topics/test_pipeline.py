"""Topics are extracted as articles are stored: a real crawl over loopback HTTP (enrich finds them in the CPU
workers, store writes them with the articles), a changed article's topics replaced, and no entry's text, however
bad, costing its article."""

from __future__ import annotations

import pytest

from newsstand.articles.models import Article
from newsstand.sources.models import Feed, FeedStatus, Publisher
from newsstand.topics.models import ArticleTopic
from testkit import webserver as w
from testkit.commands import command_output as command
from tests.ingest.test_crawl import PUBLISHED

DRAGHI = (
    "<p>Italy on Friday enacted a sweeping law. Prime Minister Mario Draghi said the health pass would keep Italy "
    "open, and Draghi asked unions in Rome to back it.</p>"
)
MANCHIN = (
    "<p>Joe Manchin demanded changes to the budget bill. Manchin, a senator from West Virginia, told the Senate "
    "that the White House should drop the clean energy program.</p>"
)


def item(guid: str, link: str, title: str, body: str, categories: tuple[str, ...] = ()) -> str:
    tags = "".join(f"<category>{c}</category>" for c in categories)
    return (
        f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>{tags}"
        f"<description><![CDATA[{body}]]></description><pubDate>{PUBLISHED}</pubDate></item>"
    )


def feed(items: list[str]) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>{"".join(items)}</channel></rss>'


def topics_of(url_end: str) -> list[str]:
    article = Article.objects.get(url__endswith=url_end)
    return list(ArticleTopic.objects.filter(article=article).order_by("-weight").values_list("topic__name", flat=True))


@pytest.fixture
def wire(web):
    publisher = Publisher.objects.create(name="Wire", slug="wire")
    Feed.objects.create(url=web.url("/wire.xml"), publisher=publisher, full_text="never")
    return web


@pytest.mark.django_db(transaction=True)
def test_a_crawl_stores_each_articles_topics_and_replaces_a_changed_ones(wire):
    base = wire.url("")
    wire.route("/wire.xml", w.conditional(feed([
        item("d", f"{base}/draghi", "Italy puts a tough new law in force", DRAGHI, ("Covid vaccines",)),
        item("m", f"{base}/manchin", "Joe Manchin demands cuts to the budget bill", MANCHIN),
    ])))  # fmt: skip
    command("crawl", "--once")
    draghi = topics_of("/draghi")
    assert {"Italy", "Mario Draghi", "Covid vaccines"} <= set(draghi) and len(draghi) <= 8
    assert draghi[0] == "Italy"  # in the headline and the lead
    assert {"Joe Manchin", "West Virginia", "Senate"} <= set(topics_of("/manchin"))

    # The Manchin story is rewritten about someone else: its topics are what the new text is about.
    wire.route("/wire.xml", w.conditional(feed([
        item("d", f"{base}/draghi", "Italy puts a tough new law in force", DRAGHI, ("Covid vaccines",)),
        item("m", f"{base}/manchin", "Italy's unions answer Mario Draghi", DRAGHI),
    ]), etag='"v2"'))  # fmt: skip
    command("crawl", "--once", "--all")
    assert "Joe Manchin" not in topics_of("/manchin") and "Mario Draghi" in topics_of("/manchin")
    assert ArticleTopic.objects.filter(topic__slug="mario-draghi").count() == 2


@pytest.mark.django_db(transaction=True)
def test_no_text_however_bad_costs_its_article(wire):
    base = wire.url("")
    huge = "<p>" + "Word after word in London. " * 40_000 + "</p>"
    wire.route("/wire.xml", w.conditional(feed([
        item("empty", f"{base}/empty", "", ""),
        item("huge", f"{base}/huge", "A very long one", huge),
        item("ja", f"{base}/ja", "日本の首相が辞任", "<p>日本の首相が辞任した。東京で記者会見を開いた。</p>"),
        item("ru", f"{base}/ru", "Путин в Москве", "<p>Владимир Путин встретился с Си Цзиньпином в Москве.</p>"),
        item("amp", f"{base}/amp", "Tom &amp;amp; Jerry&amp;#39;s deal", "<p>Tom &amp; Jerry met in &lt;London&gt;.</p>"),
    ])))  # fmt: skip
    command("crawl", "--once")
    assert Article.objects.count() == 5 and Feed.objects.get().status == FeedStatus.OK
    assert topics_of("/empty") == []
    assert "Владимир Путин" in topics_of("/ru")
    assert all("&" not in name for name in topics_of("/amp"))
    assert len(topics_of("/huge")) <= 8
