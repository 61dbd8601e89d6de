"""The whole pipeline over real loopback HTTP: OPML in → crawl --once → stored articles, every fault recorded.

Acceptance: every entry stored exactly once; a second crawl adds nothing; each fault class ends as a recorded
error on its own feed while healthy feeds are unaffected and the crawler carries on.
"""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path

import pytest

from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.sources.models import Feed, FeedStatus, Publisher
from testkit import webserver as w
from testkit.commands import command_output as command

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages" / "html"
# Recent on whatever day the suite runs (one value, so every feed that carries a story dates it alike).
PUBLISHED = w.http_date(clock.now() - timedelta(hours=2))


def rss(items: list[tuple[str, str, str]], *, title: str = "Feed") -> str:
    """items: (guid, link path or URL, body HTML)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>{link}</link><title>Headline {guid}</title>"
        f"<description><![CDATA[{body}]]></description><pubDate>{PUBLISHED}</pubDate></item>"
        for guid, link, body in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'


LONG = "<p>" + " ".join(["The council approved the budget after a long debate."] * 20) + "</p>"


def page_html() -> bytes:
    return gzip.decompress(next(iter(sorted(PAGES.glob("*.html.gz")))).read_bytes())


@pytest.fixture
def loopback_sources(web, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSTAND_FETCH_TIMEOUT", "2")
    base = web.url("")
    wire = rss(
        [("w1", f"{base}/news/1", LONG), ("w2", f"{base}/news/2", LONG), ("w3", f"{base}/news/3?utm_source=rss", LONG)]
    )
    web.route("/wire.xml", w.conditional(wire))
    # A second publisher syndicating story 1 (same canonical URL, tracking parameters aside) plus its own story.
    web.route(
        "/paper.xml",
        w.conditional(rss([("p1", f"{base}/news/1?utm_medium=feed", LONG), ("p2", f"{base}/news/4", LONG)])),
    )
    # Summary-only: the article page is fetched and extracted.
    web.route("/summaries.xml", w.conditional(rss([("s1", f"{base}/page/1", "<p>Short teaser.</p>")])))
    web.route("/page/1", w.Response(200, page_html(), content_type="text/html; charset=utf-8"))
    web.route("/moved.xml", w.redirect("/wire-moved.xml", 301))
    web.route("/wire-moved.xml", w.conditional(rss([("m1", f"{base}/news/5", LONG)])))
    faults = {
        "/missing.xml": w.Response(404, b"no"),
        "/broken.xml": w.Response(500, b"oops"),
        "/gone.xml": w.Response(410, b"gone"),
        "/limited.xml": w.retry_after(429, 600),
        "/bomb.xml": w.bomb(64 * 1024 * 1024),
        "/html.xml": w.Response(200, b"<!doctype html><html><body>Not a feed</body></html>", content_type="text/html"),
        "/loop.xml": w.redirect("/loop.xml", 302),
        "/slow.xml": w.trickle(wire, piece=8, interval=0.5),
        "/reset.xml": w.reset_mid_body(wire, after=100),
        "/xxe.xml": w.feed(
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>'
        ),
    }
    for path, response in faults.items():
        web.route(path, response)
    outlines = [
        ("Wire", "/wire.xml", "never"),
        ("Paper", "/paper.xml", "never"),
        ("Paper", "/summaries.xml", "auto"),
        ("Wire", "/moved.xml", "never"),
    ]
    outlines += [("Faulty", path, "never") for path in faults]
    body = "".join(
        f'<outline type="rss" text="{name} {path}" title="{name} {path}" xmlUrl="{web.url(path)}" htmlUrl="{base}/" newsstand:publisher="{name}" newsstand:fullText="{mode}"/>'
        for name, path, mode in outlines
    )
    opml = tmp_path / "loopback.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0" xmlns:newsstand="https://newsstand.example/opml"><head><title>t</title></head><body>{body}</body></opml>'
    )
    command("import_opml", str(opml))
    assert Feed.objects.count() == len(outlines)
    return web


@pytest.mark.django_db(transaction=True)
def test_crawl_once_stores_every_entry_once_and_records_every_fault(loopback_sources):
    web = loopback_sources
    totals = json.loads(command("crawl", "--once", "--json"))
    assert totals["feeds"] == Feed.objects.count()

    # Every entry exactly once: news/1..5 and the extracted page.
    urls = sorted(Article.objects.values_list("url", flat=True))
    assert len(urls) == 6 and len(set(urls)) == 6
    assert not any("utm_" in url for url in urls)
    syndicated = Article.objects.get(url__endswith="/news/1")
    assert syndicated.feeds.count() == 2
    paged = Article.objects.get(url__endswith="/page/1")
    assert paged.full_text and paged.word_count > 100, paged.extraction_error

    feeds = {Feed.objects.get(pk=f.pk).url.rsplit("/", 1)[-1]: f for f in Feed.objects.all()}
    for name in ("wire.xml", "paper.xml", "summaries.xml", "wire-moved.xml"):
        assert feeds[name].status == FeedStatus.OK, (name, feeds[name].last_error)
    expected = {
        "missing.xml": "http_404", "broken.xml": "http_500", "limited.xml": "rate_limited", "bomb.xml": "too_large",
        "html.xml": "parse", "loop.xml": "redirect_loop", "slow.xml": "timeout", "reset.xml": "protocol", "xxe.xml": "parse",
    }  # fmt: skip
    for name, code in expected.items():
        feed = feeds[name]
        assert (feed.status, feed.last_error_code) == (FeedStatus.ERROR, code), (
            name,
            feed.last_error_code,
            feed.last_error,
        )
        assert feed.last_error and feed.consecutive_failures == 1 and feed.next_fetch_at > feed.last_fetched_at
    assert (feeds["gone.xml"].status, feeds["gone.xml"].active) == (FeedStatus.DISABLED, False)
    assert "passwd" not in "".join(Article.objects.values_list("title", flat=True))

    stats = json.loads(command("stats", "--json"))
    assert stats["articles"] == 6 and stats["feeds_by_status"]["ok"] == 4

    # Again, everything due or not: conditional GETs answer 304 and nothing is added or duplicated.
    web.reset_log()
    again = json.loads(command("crawl", "--once", "--all", "--json"))
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["not_modified"] == 4
    assert Article.objects.count() == 6 and ArticleFeed.objects.count() == 7
    assert all(r.headers.get("if-none-match") for r in web.requests_for("/wire.xml"))


@pytest.mark.django_db(transaction=True)
def test_export_reports_what_was_crawled(loopback_sources):
    command("crawl", "--once")
    rows = [json.loads(line) for line in command("export", "articles", "--format", "jsonl").splitlines()]
    assert len(rows) == 6
    syndicated = next(r for r in rows if r["url"].endswith("/news/1"))
    assert len(syndicated["feed_urls"]) == 2
    assert syndicated["text"].startswith("The council approved")


@pytest.mark.django_db(transaction=True)
def test_private_addresses_are_refused_unless_allowed(web, monkeypatch):
    """The SSRF guard, through the whole crawler: the default refuses loopback, and the server sees nothing."""
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "0")
    web.route("/feed.xml", w.conditional(rss([("a", f"{web.url('')}/a", LONG)])))
    publisher = Publisher.objects.create(name="Intranet", slug="intranet")
    Feed.objects.create(url=web.url("/feed.xml"), publisher=publisher)
    totals = json.loads(command("crawl", "--once", "--json"))
    feed = Feed.objects.get()
    assert totals["errors"] == {"blocked_address": 1}
    assert feed.last_error_code == "blocked_address" and "NEWSSTAND_FETCH_ALLOW_PRIVATE" in feed.last_error
    assert web.requests == [] and not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_crawl_describes_the_publisher_by_its_channel(web):
    """The channel's description and image become the publisher's (its page shows them), the image made absolute."""
    item = f"<item><guid>h1</guid><link>{web.url('/h1')}</link><title>Tide</title><description>x</description></item>"
    web.route(
        "/feed.xml",
        w.conditional(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>'
            "<description>Local news for the &lt;b&gt;harbour&lt;/b&gt; towns.</description>"
            f"<image><url>/img/logo.png</url><title>Harbour Times</title><link>/</link></image>{item}</channel></rss>"
        ),
    )
    publisher = Publisher.objects.create(name="Harbour Times", slug="harbour-times")
    Feed.objects.create(url=web.url("/feed.xml"), publisher=publisher, full_text="never")
    command("crawl", "--once")
    publisher.refresh_from_db()
    assert (publisher.description, publisher.logo_url) == (
        "Local news for the harbour towns.",
        web.url("/img/logo.png"),
    )


@pytest.mark.django_db(transaction=True)
def test_relative_links_resolve_against_the_content_location_the_server_names(web):
    """A feed answered with a Content-Location header (the document's own URL) has its relative links read
    against that URL, as feedparser and browsers read them, not against the address that was asked for."""
    item = "<item><guid>c1</guid><link>story/1</link><title>Quay</title><description>x</description></item>"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Quay News</title>{item}</channel></rss>'
    web.route(
        "/latest",
        w.Response(
            200, body, content_type="application/rss+xml", headers={"Content-Location": web.url("/feeds/2026/rss.xml")}
        ),
    )
    publisher = Publisher.objects.create(name="Quay News", slug="quay-news")
    Feed.objects.create(url=web.url("/latest"), publisher=publisher, full_text="never")
    command("crawl", "--once")
    assert list(Article.objects.values_list("url", flat=True)) == [web.url("/feeds/2026/story/1")]


def test_the_crawler_raises_its_open_files_limit_to_what_the_system_allows():
    """A crawl may hold hundreds of sockets (NEWSSTAND_FETCH_CONCURRENCY in flight, idle keep-alive ones besides):
    a service started with the common soft limit of 1,024 open files gets its limit raised, up to the hard one."""
    import os
    import subprocess
    import sys

    script = (
        "import resource\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "import django\n"
        "django.setup()\n"
        "from newsstand.ingest.crawler import OPEN_FILES_WANTED, raise_open_files_limit\n"
        "raise_open_files_limit()\n"
        "raised, _ = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "wanted = OPEN_FILES_WANTED if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_WANTED)\n"
        "print(raised == wanted, raised > 256 or hard <= 256)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsstand.settings", "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.stdout.split() == ["True", "True"], done.stderr
