"""Feed discovery: pure reading of a page's <link> tags, then `find_feed` against a real loopback server."""

from __future__ import annotations

import asyncio

import pytest

from newsstand.ingest.discovery import COMMON_FEED_PATHS, FeedNotFound, common_feed_urls, discover_feed_urls, find_feed
from newsstand.ingest.stages.fetch import Fetcher
from testkit.webserver import LoopbackWeb, Response

RSS_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example/</link>
<item><title>One</title><link>https://news.example/1</link><guid>1</guid></item>
</channel></rss>"""

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="/site.css">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed/">
<link rel="alternate" type="application/json" href="/api.json">
<link rel="alternate" type="application/atom+xml" href="atom.xml">
<link rel="ALTERNATE" type="application/rss+xml; charset=utf-8" title="All news" href="https://cdn.example/rss">
<link rel="alternate" type="application/feed+json" href="/feed.json">
<link rel="alternate" type="application/rss+xml" href="https://cdn.example/rss">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" hreflang="fr" href="/fr/">
</head><body><a href="/feed">not a link tag</a></body></html>"""


def test_discovers_advertised_feeds_resolved_and_best_first():
    assert discover_feed_urls(PAGE, base_url="https://news.example/section/page.html") == [
        "https://news.example/section/atom.xml",
        "https://cdn.example/rss",
        "https://news.example/feed.json",
        "https://news.example/api.json",
        "https://news.example/comments/feed/",
    ]


def test_base_element_changes_resolution():
    html = '<html><head><base href="https://other.example/blog/"><link rel="alternate" type="application/atom+xml" href="atom"></head></html>'
    assert discover_feed_urls(html, base_url="https://news.example/") == ["https://other.example/blog/atom"]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "not html at all", "<link rel=alternate href=/x>"])
def test_nothing_advertised(html):
    assert discover_feed_urls(html, base_url="https://news.example/") == []


def test_common_paths_are_at_the_site_root():
    urls = common_feed_urls("https://news.example/a/b?c=d")
    assert urls[0] == "https://news.example/feed"
    assert "https://news.example/feeds/posts/default" in urls
    assert len(urls) == len(COMMON_FEED_PATHS)


async def _find(url: str):
    async with Fetcher() as fetcher:
        return await find_feed(url, fetcher=fetcher)


def test_find_feed_direct_advertised_and_guessed():
    with LoopbackWeb() as web:
        web.route("/rss.xml", Response(body=RSS_BODY, content_type="application/rss+xml"))
        web.route(
            "/",
            Response(
                body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head></html>',
                content_type="text/html",
            ),
        )
        web.route(
            "/plain", Response(body=b"<html><head><title>No feeds here</title></head></html>", content_type="text/html")
        )

        direct = asyncio.run(_find(web.url("/rss.xml")))
        assert direct.url == web.url("/rss.xml")
        assert direct.feed.title == "Example News"

        advertised = asyncio.run(_find(web.url("/")))
        assert advertised.url == web.url("/rss.xml")

        guessed = asyncio.run(_find(web.url("/plain")))  # nothing advertised: /rss.xml is one of the usual paths
        assert guessed.url == web.url("/rss.xml")


def test_find_feed_explains_failure():
    with LoopbackWeb() as web:
        web.route("/", Response(body=b"<html><body>hello</body></html>", content_type="text/html"))
        with pytest.raises(FeedNotFound, match="usual feed paths"):
            asyncio.run(_find(web.url("/")))
        with pytest.raises(FeedNotFound, match="could not fetch"):
            asyncio.run(_find(web.url("/missing")))
