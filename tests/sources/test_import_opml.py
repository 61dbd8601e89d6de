"""`import-opml` of publishers whose feeds one host serves (a group's CDN, a feed proxy): every publisher is its own,
each in its sections, the command says what it decided and warns where it guessed, and a guessed feed's first fetch
places it by its own channel. Real loopback servers, the real commands, the crawler included."""

from __future__ import annotations

import io
from datetime import timedelta
from html import escape
from xml.sax.saxutils import quoteattr

import pytest
from django.core.management import call_command

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.reading.models import Follow, FollowKind
from newsstand.sources.models import Feed, Publisher
from testkit import webserver as w

SITE = "http://group.example"  # the publishers' sites: one group's titles under their own paths
# (outline title, the reader's folder, htmlUrl path or None, publisher, section): twelve publishers
OUTLINES = [
    ("The Federal Sentinel — World", "The Federal Sentinel", "/federal-sentinel/world", "The Federal Sentinel", "World"),
    ("The Federal Sentinel — Politics", "The Federal Sentinel", "/federal-sentinel/politics", "The Federal Sentinel", "Politics"),
    ("The Federal Sentinel", "The Federal Sentinel", "/federal-sentinel/", "The Federal Sentinel", ""),
    ("Malmö Post — World", "World", "/malmo-post/world", "Malmö Post", "World"),
    ("Malmö Post — Business", "Business", "/malmo-post/business", "Malmö Post", "Business"),
    ("Nordic Ledger: Markets", "Business", "/nordic-ledger/", "Nordic Ledger", "Markets"),
    ("Harbour Gazette · Sport", "", "/harbour-gazette/sport", "Harbour Gazette", "Sport"),
    ("Alpine Courier – Local", "News", "/alpine-courier/", "Alpine Courier", "Local"),
    ("Markets | The Daily Meridian", "Business", "/daily-meridian/markets", "The Daily Meridian", "Markets"),
    ("Prairie Herald", "Prairie Herald", "/prairie-herald/", "Prairie Herald", ""),
    ("Prairie Herald - Farming", "Prairie Herald", "/prairie-herald/farming", "Prairie Herald", "Farming"),
    ("Riverside Chronicle > Culture", "Culture", "/riverside-chronicle/culture", "Riverside Chronicle", "Culture"),
    ("Lakeside Times", "News", "/lakeside-times/", "Lakeside Times", "News"),
    ("Capital Dispatch | Politics", "", "/capital-dispatch/politics", "Capital Dispatch", "Politics"),
    ("Island Voice — Opinion", "Opinion", "/island-voice/", "Island Voice", "Opinion"),
    ("Coastline Weekly — Travel", "", None, "Coastline Weekly", "Travel"),  # no htmlUrl: a guess, and said so
]  # fmt: skip


def rss(title: str, link: str, n: int) -> str:
    """One item, unlike every other feed's (no two publishers' articles fold into one story)."""
    when = w.http_date(clock.now() - timedelta(hours=n + 1))
    words = " ".join(f"{title.split()[0].lower()}{n}word{k}" for k in range(40))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<item><guid>{link}item-{n}</guid><link>{link}item-{n}</link><title>Report number {n} from {escape(title)}</title>"
        f"<description>{words}</description><pubDate>{when}</pubDate></item></channel></rss>"
    )


def opml(rows: list[tuple[str, str, str | None, str]]) -> str:
    """rows: (title, folder, htmlUrl or None, xmlUrl); outlines grouped by folder, in order."""
    body, folder_open = [], None
    for title, folder, html_url, xml_url in rows:
        if folder != folder_open:
            if folder_open:
                body.append("</outline>")
            if folder:
                body.append(f"<outline text={quoteattr(folder)}>")
            folder_open = folder or None
        html = f" htmlUrl={quoteattr(html_url)}" if html_url else ""
        label = f" text={quoteattr(title)}" if title else ""
        body.append(f'<outline type="rss"{label} xmlUrl={quoteattr(xml_url)}{html}/>')
    if folder_open:
        body.append("</outline>")
    return (
        f'<?xml version="1.0"?><opml version="2.0"><head><title>Group</title></head><body>{"".join(body)}</body></opml>'
    )


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def group_host(web):
    """Every feed on one loopback host (as a group's CDN or a feed proxy serves them); the OPML beside them."""
    rows = []
    for n, (title, folder, path, _publisher, _section) in enumerate(OUTLINES):
        web.route(f"/feeds/{n}.xml", w.feed(rss(title, f"{SITE}{path or '/coastline-weekly/travel'}", n)))
        rows.append((title, folder, f"{SITE}{path}" if path else None, web.url(f"/feeds/{n}.xml")))
    web.route("/group.opml", w.Response(200, opml(rows), content_type="text/x-opml"))
    return web


@pytest.mark.django_db(transaction=True)
def test_twelve_publishers_served_from_one_host_stay_twelve(group_host):
    out, err = run("import_opml", group_host.url("/group.opml"), "--full-text", "never")

    assert Publisher.objects.count() == 12
    for n, (title, _folder, _path, publisher, section) in enumerate(OUTLINES):
        feed = Feed.objects.select_related("publisher").get(url=group_host.url(f"/feeds/{n}.xml"))
        assert (feed.publisher.name, feed.section) == (publisher, section), title
    assert Publisher.objects.get(name="Malmö Post").homepage == f"{SITE}/malmo-post/"
    assert Publisher.objects.get(name="The Daily Meridian").homepage == f"{SITE}/daily-meridian/"
    assert not Publisher.objects.filter(name__in=["World", "Business", "News", "127.0.0.1"]).exists()

    assert out.splitlines() == [
        "16 feeds added, 0 already present, 0 invalid, 12 new publishers",
        "Publishers of the 16 feeds added (12):",
        "  Alpine Courier (new): 1 feed — Local",
        "  Capital Dispatch (new): 1 feed — Politics",
        "  Coastline Weekly (new): 1 feed — Travel",
        "  Harbour Gazette (new): 1 feed — Sport",
        "  Island Voice (new): 1 feed — Opinion",
        "  Lakeside Times (new): 1 feed — News",
        "  Malmö Post (new): 2 feeds — World, Business",
        "  Nordic Ledger (new): 1 feed — Markets",
        "  Prairie Herald (new): 2 feeds — (no section), Farming",
        "  Riverside Chronicle (new): 1 feed — Culture",
        "  The Daily Meridian (new): 1 feed — Markets",
        "  The Federal Sentinel (new): 3 feeds — World, Politics, (no section)",
    ]
    guessed = group_host.url("/feeds/15.xml")
    assert err.splitlines()[-2:] == [
        "warning: 1 feeds have no htmlUrl, so their publisher was guessed; the first fetch of each places it again "
        "by the feed's own link and title (`newsstand feeds` shows where they are):",
        f"  {guessed} → Coastline Weekly (named from its title)",
    ]
    assert Feed.objects.get(url=guessed).publisher_guessed

    # The crawl stores each article under its own publisher and section: what the kicker and section bar show.
    call_command("crawl", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    kickers = set(Article.objects.values_list("publisher__name", "section"))
    assert kickers == {(publisher, section) for *_, publisher, section in OUTLINES}
    sections = set(Article.objects.exclude(section="").values_list("section", flat=True))
    assert not sections & set(Publisher.objects.values_list("name", flat=True))
    # The guess was right: its channel confirms it and gives the homepage the import could not.
    coastline = Feed.objects.select_related("publisher").get(url=guessed)
    assert (coastline.publisher.name, coastline.section, coastline.publisher_guessed) == (
        "Coastline Weekly",
        "Travel",
        False,
    )
    assert coastline.publisher.homepage == f"{SITE}/coastline-weekly/"

    # Importing again decides nothing new and guesses nothing.
    out, err = run("import_opml", group_host.url("/group.opml"))
    assert out.strip() == "0 feeds added, 16 already present, 0 invalid, 0 new publishers"
    assert "warning" not in err


@pytest.mark.django_db(transaction=True)
def test_a_guessed_feed_is_placed_by_its_channel_on_its_first_fetch(web, tmp_path, django_user_model):
    """No htmlUrl: the import can only guess (from a title the reader may have renamed, or the feed's address);
    the first successful fetch reads the channel's link and title and moves the feed, and its articles, there."""
    web.route("/a/feed.xml", w.feed(rss("Coastline Weekly — Travel", f"{SITE}/coastline-weekly/travel", 1)))
    web.route("/b/rss", w.feed(rss("The Federal Sentinel", f"{SITE}/federal-sentinel/", 2)))
    web.route("/c.xml", w.feed(rss("Harbour Gazette · Sport", f"{SITE}/harbour-gazette/sport", 3)))
    web.route("/d.xml", w.feed(rss("Something Else Entirely", f"{SITE}/else/", 4)))
    (tmp_path / "guesses.opml").write_text(
        opml(
            [
                ("Coastline", "Travel", None, web.url("/a/feed.xml")),  # renamed by the reader
                ("", "", None, web.url("/b/rss")),  # no title at all
                ("Harbour Gazette", "Sport", None, web.url("/c.xml")),  # a right guess, and a follower
                ("Lakeside Times", "", f"{SITE}/lakeside-times/", web.url("/d.xml")),  # an htmlUrl: no guess
            ]
        )
    )
    out, err = run("import_opml", str(tmp_path / "guesses.opml"))
    host = web.url("").removeprefix("http://").rstrip("/")
    assert f"  {web.url('/b/rss')} → {host}/b (named after the feed's own address)" in err.splitlines()
    assert f"  {web.url('/a/feed.xml')} → Coastline (named from its title)" in err.splitlines()
    assert "warning: 3 feeds have no htmlUrl" in err
    reader = django_user_model.objects.create_user("reader@example.com")
    gazette = Publisher.objects.get(name="Harbour Gazette")
    Follow.objects.create(user=reader, kind=FollowKind.PUBLISHER, publisher=gazette, created_at=clock.now())

    call_command("crawl", "--once", stdout=io.StringIO(), stderr=io.StringIO())

    placed = {
        feed.url.removeprefix(web.url("")): (feed.publisher.name, feed.section, feed.publisher.homepage)
        for feed in Feed.objects.select_related("publisher")
    }
    assert placed == {
        "/a/feed.xml": ("Coastline Weekly", "Travel", f"{SITE}/coastline-weekly/"),
        "/b/rss": ("The Federal Sentinel", "", f"{SITE}/federal-sentinel/"),
        "/c.xml": ("Harbour Gazette", "Sport", f"{SITE}/harbour-gazette/"),
        "/d.xml": ("Lakeside Times", "", f"{SITE}/lakeside-times/"),  # its channel disagrees; its htmlUrl stands
    }
    assert not Feed.objects.filter(publisher_guessed=True).exists()
    # Each article under the publisher its channel names; the guesses nothing refers to are gone.
    assert set(Article.objects.values_list("publisher__name", "section")) == {
        ("Coastline Weekly", "Travel"),
        ("The Federal Sentinel", ""),
        ("Harbour Gazette", "Sport"),
        ("Lakeside Times", ""),
    }
    assert set(Publisher.objects.values_list("name", flat=True)) == {
        "Coastline Weekly",
        "The Federal Sentinel",
        "Harbour Gazette",
        "Lakeside Times",
    }
    assert Follow.objects.get(user=reader).publisher == gazette  # the right guess was kept, with its follower
