"""Outbound feeds: Top stories as RSS 2.0 and Atom, the latest of a section as RSS; valid XML, teasers only."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from newsstand.core import clock
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SECRET = "zebra quartz paywalled sentence"
LONG_BODY = " ".join(f"word{n}" for n in range(60)) + f" {SECRET}."


def hours_ago(hours: float):
    return clock.now() - timedelta(hours=hours)


@pytest.fixture
def news(publisher):
    wire = make_publisher(name="Wire Service", slug="wire")
    lead = make_article(
        publisher,
        title="Fed holds rates",
        summary="<p>The board &amp; the chair held.</p>",
        body_html=f"<p>{LONG_BODY}</p>",
        text=LONG_BODY,
        section="Business",
        published_at=hours_ago(2),
    )
    bare = make_article(
        wire, title="Markets calm", body_html=f"<p>{LONG_BODY}</p>", text=LONG_BODY, section="Business",
        published_at=hours_ago(3),
    )  # fmt: skip
    copy = make_article(publisher, title="Markets calm (copy)", section="Business", duplicate_of=bare)
    make_article(publisher, title="Elsewhere", section="Sport", published_at=hours_ago(1))
    story = make_story(
        lead, bare, headline="Fed holds rates", lead="<p>The board held. " + LONG_BODY + "</p>",
        representative=lead, rank_key=5.0, section="Business",
    )  # fmt: skip
    return {"lead": lead, "bare": bare, "copy": copy, "story": story}


def fetch_xml(client, path: str) -> tuple[ElementTree.Element, str]:
    response = client.get(path)
    assert response.status_code == 200, path
    text = response.content.decode()
    assert SECRET not in text and "word45" not in text, "the feed carries more than the teaser"
    return ElementTree.fromstring(response.content), response["Content-Type"]


def test_top_stories_rss(client, news):
    root, content_type = fetch_xml(client, "/feeds/top.xml")
    assert content_type.startswith("application/rss+xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Newsstand: Top stories"
    assert channel.findtext("link") == "http://testserver/"
    (item,) = channel.findall("item")
    assert item.findtext("title") == "Fed holds rates"
    assert item.findtext("link") == f"http://testserver/stories/{news['story'].pk}/"
    description = item.findtext("description")
    assert description.startswith("The board held. word0") and description.endswith("…")
    assert len(description.split()) <= 40
    assert item.findtext(f"{DC}creator") == "The Daily Example"  # the representative article's publisher
    assert item.findtext("pubDate")


def test_top_stories_atom(client, news):
    root, content_type = fetch_xml(client, "/feeds/top.atom")
    assert content_type.startswith("application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Fed holds rates"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/stories/{news['story'].pk}/"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "The Daily Example"
    assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")


def test_section_rss_has_the_sections_originals_as_teasers(client, news):
    root, _ = fetch_xml(client, "/feeds/sections/Business.xml")
    channel = root.find("channel")
    assert channel.findtext("title") == "Newsstand: Business"
    assert channel.findtext("link") == "http://testserver/sections/Business/"
    items = {item.findtext("title"): item for item in channel.findall("item")}
    assert set(items) == {"Fed holds rates", "Markets calm"}  # the copy is left out, and Sport is elsewhere
    assert items["Fed holds rates"].findtext("description") == "The board & the chair held."
    assert items["Fed holds rates"].findtext("link") == f"http://testserver/articles/{news['lead'].pk}/"
    # No standfirst: the body's first forty words, no more.
    assert items["Markets calm"].findtext("description").endswith("word39…")
    assert items["Markets calm"].findtext(f"{DC}creator") == "Wire Service"


def test_a_section_with_a_slash_has_a_feed(client, publisher):
    make_article(publisher, title="On stage", section="Arts/Culture")
    root, _ = fetch_xml(client, "/feeds/sections/Arts/Culture.xml")
    assert [item.findtext("title") for item in root.iter("item")] == ["On stage"]


def test_unknown_section_feed_is_404(client, news):
    assert client.get("/feeds/sections/Nowhere.xml").status_code == 404


def test_feeds_are_cacheable(client, news):
    assert "max-age=300" in client.get("/feeds/top.xml")["Cache-Control"]


def test_empty_top_stories_feed_is_still_valid(client, db):
    root, _ = fetch_xml(client, "/feeds/top.xml")
    assert root.find("channel").findall("item") == []


def test_home_and_section_pages_point_at_their_feeds(client, news):
    home = client.get("/").content.decode()
    assert re.search(r'<link rel="alternate" type="application/rss\+xml" title="[^"]*" href="/feeds/top\.xml">', home)
    assert 'type="application/atom+xml"' in home and 'href="/feeds/top.atom"' in home
    section = client.get("/sections/Business/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Newsstand: Business" href="/feeds/sections/Business.xml">'
        in section
    )
