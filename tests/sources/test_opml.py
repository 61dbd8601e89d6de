"""OPML: pure parsing and writing, the messy documents real readers export, and export → import round trips."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsstand.core import clock
from newsstand.sources import opml, selectors, services
from newsstand.sources.models import Feed, FeedStatus, Publisher

NOW = clock.now().replace(microsecond=0)  # OPML dates are whole seconds
DEFAULT_SOURCES = Path(services.__file__).parent / "default_sources.opml"
SECTIONS = {"World", "UK", "US", "Business", "Technology", "Science", "Sport", "Culture"}

MESSY = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0">
  <head><title>My feeds & more</title></head>
  <body>
    <outline text="News">
      <outline text="World">
        <outline TEXT="BBC News - World" xmlurl="https://feeds.bbci.co.uk/news/world/rss.xml"
                 htmlUrl="https://www.bbc.co.uk/news/world" type="rss"/>
      </outline>
      <outline text="BBC News - UK" xmlUrl="https://feeds.bbci.co.uk/news/uk/rss.xml" htmlUrl="https://www.bbc.co.uk/news/uk"/>
    </outline>
    <outline title="Tech">
      <outline xmlUrl="https://example.org/feed.xml"/>
      <outline text="Example Org" xmlUrl="https://example.org/feed.xml"/>
      <outline text="no url at all"/>
      <outline text="bad scheme" xmlUrl="javascript:alert(1)"/>
      <outline text="relative" xmlUrl="/feed"/>
      <outline text="a link" type="link" url="https://example.org/"/>
    </outline>
    <outline text="Caf\xe9 loose" xmlUrl="https://cafe.example/rss" category="/Food/Coffee,/Other"/>
    <outline text="Le Monde &eacute;co&nbsp;&amp; &bogus; more" xmlUrl="https://www.lemonde.fr/rss/une.xml?a=1&b=2"/>
  </body>
</opml>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://example.org/feed"/></body></opml>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://example.org/feed"/></body></opml>
"""


def test_parse_messy_document():
    document = opml.parse_opml(MESSY)
    assert document.title == "My feeds & more"
    by_url = {feed.url: feed for feed in document.feeds}
    world = by_url["https://feeds.bbci.co.uk/news/world/rss.xml"]
    assert (world.title, world.folder, world.section, world.html_url) == (
        "BBC News - World",
        "World",
        "",  # only our own attribute declares a section; folders are the reader's
        "https://www.bbc.co.uk/news/world",
    )
    assert by_url["https://feeds.bbci.co.uk/news/uk/rss.xml"].folder == "News"
    assert by_url["https://example.org/feed.xml"].folder == "Tech"
    assert by_url["https://cafe.example/rss"].title == "Café loose"
    assert by_url["https://cafe.example/rss"].folder == "Coffee"
    # Bare ampersands and HTML entities, common in hand-written OPML, survive instead of vanishing.
    assert by_url["https://www.lemonde.fr/rss/une.xml?a=1&b=2"].title == "Le Monde \u00e9co\u00a0& &bogus; more"
    # Duplicates and bad URLs are the importer's business; the parser reports only what is not a feed outline.
    assert [feed.url for feed in document.feeds].count("https://example.org/feed.xml") == 2
    assert [(item.label, item.reason) for item in document.invalid] == [("no url at all", "the outline has no xmlUrl")]


@pytest.mark.django_db
def test_import_messy_document_counts_and_reasons():
    result = services.import_opml(source=MESSY, full_text=None, now=NOW)
    assert (result.created, result.existing) == (5, 1)
    reasons = {item.label: item.reason for item in result.invalid}
    assert set(reasons) == {"no url at all", "javascript:alert(1)", "/feed"}
    assert "not an http(s) URL" in reasons["/feed"]
    # The two BBC feeds' titles name one publisher and each its section (the reader's folders aside).
    uk = Feed.objects.get(url="https://feeds.bbci.co.uk/news/uk/rss.xml")
    assert (uk.publisher.name, uk.section, uk.publisher.homepage) == ("BBC News", "UK", "https://www.bbc.co.uk/news/")
    assert uk.publisher.feeds.count() == 2
    assert Feed.objects.get(url="https://feeds.bbci.co.uk/news/world/rss.xml").section == "World"
    # One feed listed twice: the outline with a title names it.
    assert Feed.objects.get(url="https://example.org/feed.xml").publisher.name == "Example Org"
    assert Feed.objects.get(url="https://cafe.example/rss").publisher.name == "Café loose"
    feed = Feed.objects.get(url="https://cafe.example/rss")
    assert (feed.full_text, feed.status, feed.next_fetch_at) == ("auto", FeedStatus.NEW, NOW)
    # Importing again changes nothing.
    again = services.import_opml(source=MESSY, full_text=None, now=NOW)
    assert (again.created, again.existing, again.publishers_created) == (0, 6, 0)


@pytest.mark.django_db
def test_publishers_named_in_other_scripts_stay_apart():
    """Their names have no Latin slug: each gets its own (from the name's hash), never one shared "publisher"."""
    document = (
        '<opml version="2.0"><body>'
        '<outline text="東京新聞 — 国際" xmlUrl="https://a.example/world.rss" htmlUrl="https://a.example/world"/>'
        '<outline text="東京新聞 — 経済" xmlUrl="https://a.example/economy.rss" htmlUrl="https://a.example/economy"/>'
        '<outline text="Новая газета" xmlUrl="https://b.example/rss" htmlUrl="https://b.example/"/>'
        "</body></opml>"
    )
    result = services.import_opml(source=document, full_text=None, now=NOW)
    assert result.publishers_created == 2
    placed = sorted(Feed.objects.values_list("publisher__name", "section"))
    assert placed == [("Новая газета", ""), ("東京新聞", "国際"), ("東京新聞", "経済")]
    assert all(slug.startswith("publisher-") for slug in Publisher.objects.values_list("slug", flat=True))


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_declarations_are_refused(document):
    with pytest.raises(opml.OPMLError, match="entities"):
        opml.parse_opml(document)


@pytest.mark.parametrize(
    "document, message",
    [(b"", "empty"), (b"<html><body>hi</body></html>", "not <opml>"), (b"\x00\x01 not xml", "XML")],
)
def test_not_opml_is_refused_with_a_reason(document, message):
    with pytest.raises(opml.OPMLError, match=message):
        opml.parse_opml(document)


@pytest.mark.parametrize(
    "declaration",
    ['xmlns:newsstand="https://newsstand.example/another-uri"', 'xmlns:ns="https://newsstand.invalid/ns/opml/1"', ""],
)
def test_our_attributes_are_read_under_any_binding(declaration):
    prefix = "ns" if "xmlns:ns=" in declaration else "newsstand"
    document = opml.parse_opml(
        f'<opml version="2.0" {declaration}><body><outline text="x" xmlUrl="https://a.example/rss" '
        f'{prefix}:publisher="A" {prefix}:fullText="never" {prefix}:section="World"/></body></opml>'
    )
    feed = document.feeds[0]
    assert (feed.publisher, feed.full_text, feed.section) == ("A", "never", "World")


def test_write_then_parse_is_identity():
    feeds = [
        opml.OutlineFeed(
            url="https://a.example/rss",
            title="A - World",
            html_url="https://a.example/",
            publisher="A & Co <News>",
            homepage="https://a.example/",
            country="GB",
            language="en-GB",
            section="World",
            full_text="never",
        ),
        opml.OutlineFeed(url="https://b.example/feed", title="B feed", publisher="B", full_text="always", active=False),
    ]
    document = opml.parse_opml(opml.write_opml(feeds, now=NOW))
    feeds[0] = replace(feeds[0], folder="World")  # the section is written as the reader's folder too
    assert {f.url: f for f in document.feeds} == {f.url: f for f in feeds}
    assert document.invalid == []


@pytest.mark.django_db
def test_export_then_import_into_empty_database_round_trips():
    guardian = services.get_or_create_publisher(
        name="The Guardian", homepage="https://www.theguardian.com", country="GB", language="en-GB"
    )
    hn = services.get_or_create_publisher(name="Hacker News", homepage="https://news.ycombinator.com")
    services.add_feed(
        url="https://www.theguardian.com/world/rss", publisher=guardian, section="World", title="World news"
    )
    services.add_feed(
        url="https://www.theguardian.com/uk-news/rss", publisher=guardian, section="UK", full_text="never"
    )
    services.add_feed(url="https://news.ycombinator.com/rss", publisher=hn, full_text="always")
    quiet, _ = services.add_feed(url="https://www.theguardian.com/film/rss", publisher=guardian, section="Culture")
    services.set_feeds_active(feed_ids=[quiet.pk], active=False)

    def snapshot():
        return sorted(
            (
                f.url,
                f.title,
                f.section,
                f.full_text,
                f.active,
                f.publisher.name,
                f.publisher.slug,
                f.publisher.homepage,
                f.publisher.country,
                f.publisher.language,
            )
            for f in Feed.objects.select_related("publisher")
        )

    before = snapshot()
    exported = opml.write_opml(selectors.outlines_for_export(), now=NOW)
    Feed.objects.all().delete()
    Publisher.objects.all().delete()

    result = services.import_opml(source=exported, full_text=None, now=NOW)
    assert (result.created, result.existing, result.invalid, result.publishers_created) == (4, 0, [], 2)
    assert snapshot() == before


@pytest.mark.django_db
def test_full_text_option_overrides_the_document():
    services.import_opml(source=DEFAULT_SOURCES.read_bytes(), full_text="always", now=NOW)
    assert set(Feed.objects.values_list("full_text", flat=True)) == {"always"}


def test_default_sources_are_about_a_hundred_real_feeds_in_every_section():
    document = opml.parse_opml(DEFAULT_SOURCES.read_bytes())
    feeds = document.feeds
    assert document.invalid == []
    assert 90 <= len(feeds) <= 130
    assert len({feed.url for feed in feeds}) == len(feeds)
    assert {feed.section for feed in feeds} == SECTIONS
    for feed in feeds:
        assert feed.url.startswith(("https://", "http://")), feed.url
        assert feed.publisher and feed.homepage.startswith("https://") and feed.full_text in {"never", "auto", "always"}
        assert len(feed.country) == 2 and feed.language
    publishers = {feed.publisher for feed in feeds}
    assert len(publishers) >= 40
    assert {"BBC News", "The Guardian", "NPR", "Al Jazeera", "Hacker News", "ESPN"} <= publishers
