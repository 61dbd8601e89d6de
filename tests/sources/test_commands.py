"""The source-side commands, called as the CLI calls them, against a real database and loopback servers."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsstand.core import clock
from newsstand.sources import services
from newsstand.sources.models import Feed, FeedStatus, Publisher
from testkit.webserver import LoopbackWeb, Response

RSS_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News - World</title><link>https://news.example/</link>
<language>en-gb</language>
<item><title>One</title><link>https://news.example/1</link><guid>1</guid></item>
<item><title>Two</title><link>https://news.example/2</link><guid>2</guid></item>
</channel></rss>"""
OPML_BODY = b"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Tech"><outline text="Ars" xmlUrl="https://feeds.arstechnica.com/arstechnica/index" htmlUrl="https://arstechnica.com"/></outline>
<outline text="broken"/>
</body></opml>"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_add_feed_from_a_page_that_advertises_it():
    with LoopbackWeb() as web:
        web.route("/news/rss.xml", Response(body=RSS_BODY, content_type="application/rss+xml"))
        page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/news/rss.xml"></head></html>'
        web.route("/", Response(body=page, content_type="text/html; charset=utf-8"))
        out, _ = run("add_feed", web.url("/"), "--section", "World", "--full-text", "always")
        assert "Added" in out and "2 entries" in out
        feed = Feed.objects.select_related("publisher").get()
        assert feed.url == web.url("/news/rss.xml")
        assert (feed.section, feed.full_text, feed.status) == ("World", "always", FeedStatus.NEW)
        assert feed.next_fetch_at is not None
        # The publisher part of the channel's title, at the channel's link (sources.identity).
        assert (feed.publisher.name, feed.title) == ("Example News", "Example News - World")
        assert feed.publisher.homepage == "https://news.example/"
        assert "(Example News · World, 2 entries now)" in out

        # The same feed again, by its own URL and with a publisher named: nothing changes.
        out, _ = run("add_feed", web.url("/news/rss.xml"), "--publisher", "Example")
        assert "Already present" in out
        assert Feed.objects.count() == 1
        assert not Publisher.objects.filter(name="Example").exists()  # no publisher made for a feed we have


@pytest.mark.django_db
def test_add_feed_that_names_no_site_says_its_publisher_is_a_guess(web):
    web.route(
        "/x/rss",
        Response(body=RSS_BODY.replace(b"<link>https://news.example/</link>", b""), content_type="application/rss+xml"),
    )
    out, err = run("add_feed", web.url("/x/rss"))
    assert "(Example News · World, 2 entries now)" in out
    assert "no channel link" in err and "Example News" in err and "--publisher" in err
    assert Feed.objects.get().publisher.homepage == ""


@pytest.mark.django_db
def test_add_feed_with_publisher_and_failure():
    with LoopbackWeb() as web:
        web.route("/feed", Response(body=RSS_BODY, content_type="application/xml"))
        web.route("/", Response(body=b"<html><body>no feeds</body></html>", content_type="text/html"))
        run("add_feed", web.url("/feed"), "--publisher", "Example News")
        assert Feed.objects.get().publisher.name == "Example News"
        assert Feed.objects.get().title == "Example News - World"
        Feed.objects.all().delete()
        # The page advertises nothing, but /feed is one of the usual paths.
        run("add_feed", web.url("/"))
        assert Feed.objects.get().url == web.url("/feed")
    with LoopbackWeb() as web, pytest.raises(CommandError, match="not a feed"):
        web.route("/", Response(body=b"<html><body>no feeds</body></html>", content_type="text/html"))
        run("add_feed", web.url("/"))


@pytest.mark.django_db
def test_import_opml_from_file_and_url(tmp_path):
    path = tmp_path / "subs.opml"
    path.write_bytes(OPML_BODY)
    out, err = run("import_opml", str(path), "--full-text", "never")
    assert out.splitlines() == [
        "1 feeds added, 0 already present, 1 invalid, 1 new publishers",
        "Publishers of the 1 feeds added (1):",
        "  Ars (new): 1 feed — Tech",
    ]
    assert "skipped broken: the outline has no xmlUrl" in err
    feed = Feed.objects.get()
    assert (feed.section, feed.full_text, feed.publisher.name) == ("Tech", "never", "Ars")
    with LoopbackWeb() as web:
        web.route("/subs.opml", Response(body=OPML_BODY, content_type="text/x-opml"))
        out, _ = run("import_opml", web.url("/subs.opml"))
    assert out.strip() == "0 feeds added, 1 already present, 1 invalid, 0 new publishers"
    with pytest.raises(CommandError, match="XML|opml"):
        bad = tmp_path / "bad.opml"
        bad.write_text("<html>nope</html>")
        run("import_opml", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        run("import_opml", str(tmp_path / "missing.opml"))


@pytest.mark.django_db
def test_stats_json_shape():
    out, _ = run("stats", "--json")
    assert json.loads(out) == {
        "publishers": 0,
        "feeds": 0,
        "articles": 0,
        "feeds_by_status": {"new": 0, "ok": 0, "error": 0, "disabled": 0},
    }
    run("load_default_sources")
    Feed.objects.filter(pk__in=Feed.objects.values("pk")[:3]).update(status=FeedStatus.ERROR)
    stats = json.loads(run("stats", "--json")[0])
    assert stats["feeds"] == Feed.objects.count() and stats["publishers"] == Publisher.objects.count()
    assert stats["feeds_by_status"] == {"new": stats["feeds"] - 3, "ok": 0, "error": 3, "disabled": 0}
    assert "publishers:" in run("stats")[0]


@pytest.mark.django_db
def test_load_default_sources_if_empty():
    run("load_default_sources", "--if-empty")
    count = Feed.objects.count()
    assert 90 <= count <= 130
    assert Feed.objects.get(url="https://news.ycombinator.com/rss").full_text == "always"
    assert Feed.objects.get(url="https://feeds.bbci.co.uk/news/world/rss.xml").full_text == "auto"
    out, _ = run("load_default_sources", "--if-empty")
    assert "not loaded" in out and Feed.objects.count() == count


@pytest.mark.django_db
def test_feeds_table_and_json():
    now = clock.now().replace(microsecond=0)
    bbc = services.get_or_create_publisher(name="BBC News")
    ok, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/rss.xml", publisher=bbc, now=now)
    bad, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/uk/rss.xml", publisher=bbc, now=now)
    Feed.objects.filter(pk=ok.pk).update(status=FeedStatus.OK, last_success_at=now)
    Feed.objects.filter(pk=bad.pk).update(
        status=FeedStatus.ERROR,
        last_error="HTTP 503 from the server",
        last_error_code="http_503",
        last_error_at=now,
        consecutive_failures=4,
        next_fetch_at=now + timedelta(hours=2),
    )
    rows = json.loads(run("feeds", "--json")[0])
    assert [row["url"] for row in rows] == [ok.url, bad.url]
    failing = json.loads(run("feeds", "--json", "--failing")[0])
    assert len(failing) == 1
    assert failing[0] | {"id": 0} == {
        "id": 0,
        "publisher": "BBC News",
        "url": bad.url,
        "section": "",
        "active": True,
        "status": "error",
        "last_success_at": None,
        "last_error": "HTTP 503 from the server",
        "last_error_code": "http_503",
        "last_error_at": now.isoformat(),
        "last_status_code": None,
        "consecutive_failures": 4,
        "next_fetch_at": (now + timedelta(hours=2)).isoformat(),
        "private": False,
    }
    table = run("feeds")[0].splitlines()
    assert table[0].split() == ["publisher", "url", "status", "last_success", "last_error", "failures", "next_fetch"]
    assert "[http_503] HTTP 503 from the server" in table[2] and " 4 " in table[2]
    assert table[-1] == "2 feeds"


def test_console_script_end_to_end(tmp_path):
    """The real `newsstand` script on a fresh SQLite database: migrate, load, count, export, import elsewhere."""
    script = Path(sys.executable).with_name("newsstand")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {"NEWSSTAND_DATA_DIR": str(tmp_path / "a"), "DEBUG": "1"}

    def newsstand(*args: str, data: str = "a") -> str:
        env["NEWSSTAND_DATA_DIR"] = str(tmp_path / data)
        done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    newsstand("migrate", "--noinput", "-v0")
    assert "feeds added" in newsstand("load-default-sources", "--if-empty")
    stats = json.loads(newsstand("stats", "--json"))
    exported = tmp_path / "sources.opml"
    newsstand("export-opml", "--output", str(exported))
    newsstand("migrate", "--noinput", "-v0", data="b")
    newsstand("import-opml", str(exported), data="b")
    assert json.loads(newsstand("stats", "--json", data="b")) == stats

    def without_date(document: str) -> list[str]:
        return [line for line in document.splitlines() if "<dateCreated>" not in line]

    assert without_date(newsstand("export-opml", data="b")) == without_date(newsstand("export-opml"))
