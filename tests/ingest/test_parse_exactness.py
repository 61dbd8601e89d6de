"""Links and titles as stored (parse + normalize, the real stages) against feedparser's reading of the same bytes.

The corpus, `tests/data/feeds/edge/`, is ours: feeds written for the cases real feeds get wrong or readers read
differently (xml:base at every level, Content-Location, relative links, Atom entries whose only URL is their id,
an enclosure link without href before the alternate, queries such as `?a=1&b=2&c`, escapes done twice, entities,
CDATA, titles that are and are not HTML). Where browsers and feedparser agree we agree with them; the few places
we read a link differently on purpose are listed in DIFFERENCES with the reason.

feedparser keeps tracking parameters, so its link is compared after `urls.strip_tracking` (which drops those
fields and keeps the rest of the query byte for byte: tests/core/test_urls.py holds that). Its titles are compared
as a reader sees them: text as text, HTML as its text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from newsstand.core import clock, urls
from newsstand.ingest.stages.normalize import normalize_entries
from newsstand.ingest.stages.parse import parse_feed

EDGE = Path(__file__).resolve().parent.parent / "data" / "feeds" / "edge"
NOW = clock.now().replace(microsecond=0)  # the day the tests run: never a fixed day that ages
DEFAULT_URL = "https://news.example.org/feeds/all.xml"
# Where each document was fetched from, and the Content-Location its response carried.
SERVED: dict[str, tuple[str, str]] = {
    "atom_xml_base.xml": ("https://base.example.com/feeds/atom.xml", ""),
    "content_location.xml": ("https://news.example.org/go?feed=world", "/sections/world/feed.xml"),
    "cdn_site_link.xml": ("https://cdn.example.net/publisher/rss.xml", ""),
}
DOCUMENTS = sorted(path.name for path in EDGE.glob("*.xml"))

# (document, entry title) -> (what we store, why we differ from feedparser).
DIFFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("rss_links.xml", "A numeric reference for the ampersand"): (
        "https://news.example.org/n?a=1&b=2",
        "`&amp;#38;` leaves `&#38;` after XML decoding; a browser reads it in an href as `&`, feedparser keeps it",
    ),
    ("rss_links.xml", "A permalink GUID that is not a URL"): (
        "",
        "a GUID that is no URL names no page; feedparser resolves `4711` against the feed's URL and invents one",
    ),
    ("atom_links.xml", "A doubly escaped query in href"): (
        "https://news.example.org/atom/12?c_id=1&objectid=5",
        "browsers decode `&amp;` left in an href once; feedparser does so in RSS <link> text but not in Atom's href",
    ),
    ("atom_links.xml", "Whitespace inside href"): (
        "https://news.example.org/atom/15",
        "the URL standard (browsers) strips leading and trailing whitespace; feedparser keeps the trailing spaces",
    ),
    ("atom_links.xml", "An empty href then a real one"): (
        "https://news.example.org/atom/23",
        "an empty href is the feed document itself, never the article; feedparser takes the last alternate",
    ),
    ("atom_xml_base.xml", "A double escape under a base"): (
        "https://base.example.com/root/list.cfm?a=1&b=2",
        "as above, in an Atom href under xml:base",
    ),
    ("rss091_entities.xml", "Français & Deutsch"): (
        "https://news.example.org/e/4?x=1&y=2",
        "feedparser's loose parser (undefined HTML entities) turns `&amp;` into `&amp` and so a parameter `ampy`",
    ),
    ("rss_links.xml", "The origLink wins"): (
        "https://news.example.org/2024/original",
        "feedburner:origLink is the publisher's own URL; feedparser's link is FeedBurner's redirect",
    ),
    ("cdn_site_link.xml", "A root-relative link on a CDN feed"): (
        "https://www.publisher.example/2024/cdn-1",
        "a feed served from another host than its site writes links relative to the site (normalize's docstring)",
    ),
    ("cdn_site_link.xml", "A path-relative link on a CDN feed"): (
        "https://www.publisher.example/2024/cdn-2",
        "as above: resolved against the site link, not the CDN's URL",
    ),
}

_TAG = re.compile(r"</?[A-Za-z!][^>]*>")


def _served(name: str) -> tuple[str, str]:
    return SERVED.get(name, (DEFAULT_URL, ""))


def _title_as_seen(detail: dict) -> str:
    value = detail.get("value") or ""
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        value = html.unescape(_TAG.sub(" ", value))
    return " ".join(value.split())


def _ours(name: str) -> list[tuple[str, str]]:
    url, content_location = _served(name)
    body = (EDGE / name).read_bytes()
    parsed = parse_feed(body, url=url, content_location=content_location)
    entries = normalize_entries(parsed, feed_url=url, base_url=url, full_text_mode="auto", now=NOW)
    return [(entry.title, entry.url) for entry in entries]


def _feedparsers(name: str) -> list[tuple[str, str]]:
    url, content_location = _served(name)
    base = urljoin(url, content_location) if content_location else url
    result = feedparser.parse((EDGE / name).read_bytes(), response_headers={"content-location": base})
    read = []
    for entry in result.entries:
        link = entry.get("link") or ""
        link = urls.strip_tracking(link) if urls.is_http_url(link) else ""
        read.append((_title_as_seen(entry.get("title_detail") or {}), link))
    return read


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert sum(len(_ours(name)) for name in DOCUMENTS) >= 80


@pytest.mark.parametrize("name", DOCUMENTS)
def test_links_and_titles_agree_with_feedparser(name: str) -> None:
    ours, theirs = _ours(name), _feedparsers(name)
    assert [title for title, _ in ours] == [title for title, _ in theirs]
    for (title, link), (_, their_link) in zip(ours, theirs, strict=True):
        expected, _reason = DIFFERENCES.get((name, title), (their_link, ""))
        assert link == expected, title


def test_every_listed_difference_is_still_one() -> None:
    for (name, title), (stored, _reason) in DIFFERENCES.items():
        ours = dict(_ours(name))
        theirs = dict(_feedparsers(name))
        assert ours[title] == stored
        assert theirs[title] != stored
