"""The pipeline runs in its documented order: the filter drops what is stored unchanged before any HTML work, so
an unchanged entry of a changed feed is never sanitised, extracted, or has its page fetched again.

A real crawl over loopback HTTP; only where the CPU stages run differs (a thread of this process instead of the
process pool), so that the test can see what each stage was given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

import pytest

from newsstand.articles.models import Article
from newsstand.ingest import cpu
from newsstand.ingest.crawler import Crawler
from newsstand.sources.models import Feed, Publisher
from testkit import webserver as w
from tests.ingest.test_crawl import page_html, rss


class WatchedCrawler(Crawler):
    """The crawler, its CPU stages run in a thread, noting the URL of every entry each HTML stage is given."""

    def __init__(self) -> None:
        super().__init__(workers=1)
        self.sanitised: list[str] = []
        self.extracted: list[str] = []

    def _new_pool(self) -> Executor:
        return ThreadPoolExecutor(max_workers=1)

    async def cpu_run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if fn is cpu.clean:
            self.sanitised += [draft.url for draft, _base in args[0]]
        elif fn is cpu.extract_and_clean:
            self.sanitised.append(args[0].url)
            self.extracted.append(args[0].url)
        elif fn is not cpu.parse_and_normalize:
            raise AssertionError(f"a CPU stage this test does not know: {fn.__name__}")
        return await super().cpu_run(fn, *args, **kwargs)


def crawl() -> WatchedCrawler:
    crawler = WatchedCrawler()
    totals = asyncio.run(crawler.run(once=True, all_active=True))
    assert totals.feeds == 1 and not totals.errors, totals
    return crawler


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_entry_is_never_sanitised_extracted_or_fetched_again(web):
    base = web.url("")
    for n in (1, 2, 3):
        web.route(f"/page/{n}", w.Response(200, page_html(), content_type="text/html; charset=utf-8"))
    one, two, three = (f"{base}/page/{n}" for n in (1, 2, 3))

    def feed(teaser: str) -> w.Response:  # no validators: the feed is read again every time
        return w.feed(
            rss([("s1", one, "<p>Short teaser.</p>"), ("s2", two, teaser), ("s3", three, "<p>Teaser three.</p>")])
        )

    web.route("/feed.xml", feed("<p>A teaser.</p>"))
    publisher = Publisher.objects.create(name="Paper", slug="paper")
    Feed.objects.create(url=web.url("/feed.xml"), publisher=publisher, full_text="auto")

    first = crawl()
    assert sorted(first.sanitised) == sorted(first.extracted) == [one, two, three]
    paged = Article.objects.filter(full_text=True, extraction_error="")
    assert sorted(paged.values_list("url", flat=True)) == [one, two, three]

    # The same feed again, one entry changed: only that entry is worked, and only its page fetched again.
    web.route("/feed.xml", feed("<p>A corrected teaser.</p>"))
    web.reset_log()
    second = crawl()
    assert (second.sanitised, second.extracted) == ([two], [two])
    assert [len(web.requests_for(f"/page/{n}")) for n in (1, 2, 3)] == [0, 1, 0]
    assert Article.objects.count() == 3
    # The unchanged entries stay linked to the feed as they were; the changed one was stored again.
    assert Article.objects.get(url=two).summary == "<p>A corrected teaser.</p>"
