"""Real crawler processes sharing one database: two never fetch one feed twice; a `kill -9` loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection

from newsstand.articles.models import Article
from newsstand.sources.models import Feed, FeedStatus, Publisher
from testkit import webserver as w

FEEDS = 40
ITEMS = 5


def rss(n: int, base: str) -> str:
    items = "".join(
        f"<item><guid>f{n}-{i}</guid><link>{base}/f{n}/{i}</link><title>Feed {n} story {i}</title>"
        f"<description>Story {i} of feed {n}, told in full for the test.</description></item>"
        for i in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def crawler(*args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "NEWSSTAND_FETCH_ALLOW_PRIVATE": "1",
        "NEWSSTAND_CPU_WORKERS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "newsstand", "crawl", "--once", "--json", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def slow_web():
    with w.LoopbackWeb(latency=0.3) as web:
        for n in range(FEEDS):
            web.route(f"/f{n}.xml", w.conditional(rss(n, web.url("")).encode()))
        publisher = Publisher.objects.create(name="Loopback", slug="loopback")
        Feed.objects.bulk_create(
            Feed(url=web.url(f"/f{n}.xml"), publisher=publisher, full_text="never") for n in range(FEEDS)
        )
        yield web


def feed_gets(web: w.LoopbackWeb) -> Counter:
    return Counter(r.path for r in web.requests if r.method == "GET" and r.path.endswith(".xml"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_crawlers_never_fetch_one_feed_twice(slow_web):
    first, second = crawler("--batch", "8"), crawler("--batch", "8")
    for process in (first, second):
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    gets = feed_gets(slow_web)
    assert len(gets) == FEEDS and set(gets.values()) == {1}, gets
    assert Article.objects.count() == FEEDS * ITEMS
    assert not Feed.objects.exclude(status=FeedStatus.OK).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_mid_crawl_loses_nothing(slow_web):
    victim = crawler("--batch", "4", "--lease-seconds", "3")
    deadline = time.monotonic() + 60
    while not Feed.objects.filter(status=FeedStatus.OK).exists():  # wait until it is mid-batch
        assert time.monotonic() < deadline and victim.poll() is None, "crawler finished or stalled before the kill"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    done_before = Feed.objects.filter(status=FeedStatus.OK).count()
    assert 0 < done_before < FEEDS
    leased = Feed.objects.exclude(lease_owner="").count()

    survivor = crawler("--batch", "20")
    _out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    if leased:  # feeds the victim held were skipped until its leases expired
        time.sleep(3.1)
        rerun = crawler("--batch", "20")
        _out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err

    assert not Feed.objects.exclude(status=FeedStatus.OK).exists()
    assert Article.objects.count() == FEEDS * ITEMS
    assert Article.objects.values("identity").distinct().count() == FEEDS * ITEMS
