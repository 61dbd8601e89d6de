"""A first crawl in which every feed failed says so, in `crawl`'s and `serve`'s output, with the command that shows
why: otherwise a new site with no reachable feed only shows "No articles here yet."."""

from __future__ import annotations

import io
import os
import socket
import sys

import pytest
from django.core.management import call_command

from newsstand.sources.models import Feed, Publisher
from testkit import webserver as w
from testkit.processes import output_until
from tests.ingest.test_crawl import LONG, rss
from tests.ingest.test_crawler_processes import database_url


def closed_port() -> int:
    """A loopback port nothing listens on: a fetch from it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_feeds(count: int) -> list[Feed]:
    publisher = Publisher.objects.create(name="Nowhere", slug="nowhere")
    port = closed_port()
    return [Feed.objects.create(url=f"http://127.0.0.1:{port}/{n}.xml", publisher=publisher) for n in range(count)]


def crawl_once() -> str:
    """What `crawl --once` printed to stderr."""
    err = io.StringIO()
    call_command("crawl", "--once", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_crawl_says_when_every_feed_failed_and_how_to_see_why():
    unreachable_feeds(3)
    printed = crawl_once()
    assert "All 3 feeds failed on the first pass (connect: 3)" in printed, printed
    assert "newsstand feeds --failing" in printed


@pytest.mark.django_db(transaction=True)
def test_crawl_says_nothing_when_a_feed_worked(web):
    unreachable_feeds(2)
    web.route("/ok.xml", w.conditional(rss([("a", f"{web.url('')}/a", LONG)])))
    Feed.objects.create(url=web.url("/ok.xml"), publisher=Publisher.objects.get(), full_text="never")
    assert "failed" not in crawl_once()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serve_says_when_every_feed_failed(tmp_path):
    unreachable_feeds(2)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "NEWSSTAND_DATA_DIR": str(tmp_path),
        "NEWSSTAND_CPU_WORKERS": "1",
        "HOST": "127.0.0.1",
        "PORT": str(closed_port()),
    }
    command = [sys.executable, "-m", "newsstand", "serve", "--no-worker", "--web-workers", "1"]
    printed = output_until(command, until="feeds failed", timeout=90, env=env)
    assert "All 2 feeds failed on the first pass" in printed and "newsstand feeds --failing" in printed, printed
