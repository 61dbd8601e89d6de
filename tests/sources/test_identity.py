"""The publisher rule (sources.identity): a table of real-world feeds, one line each, and its properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsstand.sources.identity import (
    Basis,
    FeedFacts,
    feed_address_name,
    home_of,
    names_publisher,
    place,
    site_key,
    split_title,
)

GROUP = "https://cdn.group.example/feeds"  # one host serving many publishers' feeds

# (facts, publisher, section, homepage, basis, guessed)
GOLDEN = [
    # Rule 1: a declared publisher stands; the title's section part only when the title is that publisher's.
    (FeedFacts(f"{GROUP}/1.xml", title="Malmö Post — World", publisher="Malmö Post", homepage="https://malmo.example/"),
     "Malmö Post", "World", "https://malmo.example/", Basis.DECLARED, False),
    (FeedFacts(f"{GROUP}/2.xml", title="Wire copy — World", publisher="Malmö Post", section="Culture"),
     "Malmö Post", "Culture", "", Basis.DECLARED, False),
    # Rule 2: the title's publisher part; the feed's host (a group's CDN, a proxy) never names the publisher.
    (FeedFacts(f"{GROUP}/3.xml", title="Malmö Post — World", site_url="https://group.example/malmo-post/world"),
     "Malmö Post", "World", "https://group.example/malmo-post/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/4.xml", title="Other Times — World", site_url="https://group.example/other/"),
     "Other Times", "World", "https://group.example/other/", Basis.TITLE, False),
    (FeedFacts("https://feeds.feedburner.com/guardian-world", title="World news | The Guardian",
               site_url="https://www.theguardian.com/world"),
     "The Guardian", "World news", "https://www.theguardian.com/", Basis.TITLE, False),
    (FeedFacts("https://feeds.bbci.co.uk/news/uk/rss.xml", title="BBC News - UK", site_url="https://www.bbc.co.uk/news/uk"),
     "BBC News", "UK", "https://www.bbc.co.uk/news/", Basis.TITLE, False),
    (FeedFacts("https://rss.nytimes.com/services/xml/rss/nyt/World.xml", title="NYT > World News",
               site_url="https://www.nytimes.com/section/world"),
     "NYT", "World News", "https://www.nytimes.com/section/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/5.xml", title="Nordic Ledger: Markets", site_url="https://ledger.example/"),
     "Nordic Ledger", "Markets", "https://ledger.example/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/6.xml", title="Harbour Gazette · Sport", site_url="https://gazette.example/"),
     "Harbour Gazette", "Sport", "https://gazette.example/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/7.xml", title="Alpine Courier – Local", site_url="https://courier.example/"),
     "Alpine Courier", "Local", "https://courier.example/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/8.xml", title="Ars Technica - Serving the Technologist for more than a decade"),
     "Ars Technica", "", "", Basis.TITLE, True),  # a tagline is no section
    # A folder per publisher (the reader's) is no section; a topical folder is.
    (FeedFacts(f"{GROUP}/9.xml", title="The Federal Sentinel", folder="The Federal Sentinel",
               site_url="https://group.example/federal-sentinel/"),
     "The Federal Sentinel", "", "https://group.example/federal-sentinel/", Basis.TITLE, False),
    (FeedFacts(f"{GROUP}/10.xml", title="The Federal Sentinel · The Federal Sentinel", folder="News"),
     "The Federal Sentinel", "News", "", Basis.TITLE, True),
    (FeedFacts(f"{GROUP}/11.xml", title="Ars", folder="Tech", site_url="https://arstechnica.com"),
     "Ars", "Tech", "https://arstechnica.com/", Basis.TITLE, False),
    # Unspaced marks split only where they never sit inside a name.
    (FeedFacts(f"{GROUP}/12.xml", title="Malmö Post—World"), "Malmö Post", "World", "", Basis.TITLE, True),
    (FeedFacts(f"{GROUP}/13.xml", title="Season 2020–21 Review"), "Season 2020–21 Review", "", "", Basis.TITLE, True),
    (FeedFacts(f"{GROUP}/14.xml", title="Wall-Street Daily"), "Wall-Street Daily", "", "", Basis.TITLE, True),
    # Rule 3: no title: the site (host and path) names it.
    (FeedFacts(f"{GROUP}/15.xml", site_url="https://group.example/malmo-post"),
     "group.example/malmo-post", "", "https://group.example/malmo-post", Basis.SITE, False),
    (FeedFacts(f"{GROUP}/16.xml", title="https://group.example/other", site_url="https://group.example/other"),
     "group.example/other", "", "https://group.example/other", Basis.SITE, False),
    # Rule 4: no site: the title, else the feed's own address less the feed file; a guess either way.
    (FeedFacts("http://127.0.0.1:8000/malmo-post/feed.xml", title="Malmö Post — World"),
     "Malmö Post", "World", "", Basis.TITLE, True),
    (FeedFacts("http://127.0.0.1:8000/malmo-post/feed.xml", folder="Press"),
     "127.0.0.1:8000/malmo-post", "Press", "", Basis.FEED_ADDRESS, True),
    (FeedFacts("https://feeds.feedburner.com/TechCrunch"),
     "feeds.feedburner.com/TechCrunch", "", "", Basis.FEED_ADDRESS, True),
]  # fmt: skip


@pytest.mark.parametrize(
    "facts, publisher, section, homepage, basis, guessed",
    GOLDEN,
    ids=[f"{g[0].title or g[0].feed_url}" for g in GOLDEN],
)
def test_golden(facts, publisher, section, homepage, basis, guessed):
    placement = place(facts)
    assert (placement.publisher, placement.section, placement.homepage) == (publisher, section, homepage)
    assert (placement.basis, placement.guessed) == (basis, guessed)


def test_a_feed_without_title_joins_the_publisher_at_its_site():
    facts = FeedFacts(f"{GROUP}/x.xml", site_url="https://group.example/malmo-post/")
    known = {"group.example/malmo-post": "Malmö Post", "group.example/other": "Other Times"}
    assert place(facts, known_sites=known).publisher == "Malmö Post"
    # The path is part of the site: the group's other title is another publisher, and so is the group's root.
    assert place(FeedFacts("https://x/", site_url="https://group.example/"), known_sites=known).publisher == (
        "group.example"
    )


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://www.Example.com/Malmo-Post/", "example.com/Malmo-Post"),
        ("http://example.com:80/a?b=c#d", "example.com/a"),
        ("http://127.0.0.1:8000/", "127.0.0.1:8000"),
        ("javascript:alert(1)", ""),
    ],
)
def test_site_key(url, key):
    assert site_key(url) == key


def test_homepage_drops_only_a_last_segment_naming_the_section():
    assert home_of("https://www.theguardian.com/uk-news?x=1#top", section="UK") == "https://www.theguardian.com/"
    assert home_of("https://example.com/news", section="Business news") == "https://example.com/news"
    assert home_of("https://example.com/malmo-post", section="") == "https://example.com/malmo-post"


def test_feed_address_name_keeps_what_names_the_publisher():
    assert feed_address_name("https://feeds.bbci.co.uk/news/world/rss.xml") == "feeds.bbci.co.uk/news/world"
    assert feed_address_name("https://feedpress.me/sbpodcast") == "feedpress.me/sbpodcast"
    assert feed_address_name("https://example.org/feed/atom/") == "example.org"


# -- properties -------------------------------------------------------------------------------------------------

_WORD = st.text(alphabet=string.ascii_letters + "åäöéü", min_size=2, max_size=9)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_SEPARATORS = [" — ", " – ", " - ", " | ", ": ", " · ", " > ", " » ", "—", "|", "·"]
_HOST = st.sampled_from(["feeds.feedburner.com", "feedpress.me", "cdn.group.example", "127.0.0.1:8000"])
_TEXT = st.text(max_size=40)


@given(publisher=_NAME, section=_NAME, separator=st.sampled_from(_SEPARATORS))
def test_a_title_splits_into_its_publisher_and_section(publisher, section, separator):
    name, rest = split_title(f"{publisher}{separator}{section}")
    assert name == publisher
    assert rest == ("" if names_publisher(section, publisher) else section)


@given(
    title=_TEXT,
    site=st.sampled_from(["", "https://group.example/malmo-post/", "https://news.example/"]),
    folder=_TEXT,
    host=_HOST,
    other_host=_HOST,
    path=st.sampled_from(["/feed.xml", "/a/rss", "/TechCrunch", "/"]),
)
def test_the_host_serving_a_feed_never_decides_its_publisher_when_anything_else_can(
    title, site, folder, host, other_host, path
):
    """Served from one host or another, a feed with a title or a site is placed alike; whatever is placed, its
    section never repeats its publisher, and a placement without a site is always marked a guess."""
    one = place(FeedFacts(f"http://{host}{path}", title=title, site_url=site, folder=folder))
    other = place(FeedFacts(f"http://{other_host}{path}", title=title, site_url=site, folder=folder))
    if one.basis is not Basis.FEED_ADDRESS:
        assert one == other
    assert one.publisher.strip()
    assert not one.section or one.section.casefold() != one.publisher.casefold()
    assert one.guessed == (not site)
