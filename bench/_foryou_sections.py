"""bench.foryou's denser labelled set: the items of the shared feed snapshots (../shared/data/feeds), each labelled
with its subject as its publisher states it, in the URL path's section (nytimes.com/2020/04/20/sports/…,
bbc.co.uk/sport/…, smh.com.au/business/…), mapped onto one small vocabulary (`SUBJECTS`) by the table `RULES`.
Items whose section says nothing about the subject (a country's own news: bbc.co.uk/news/uk-…, nytimes.com/…/us/…,
dailymail.co.uk/news/…; opinion; video hubs) are left out.

The snapshots span six weeks of 2020; `items` keeps the `WINDOW_DAYS` whose publication times hold the most
labelled items and maps them linearly onto the `SPAN_DAYS` before now (order and relative spread kept), so the news
lies in the week For you covers.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from bench import stories

FEEDS = stories.SHARED / "feeds"
WINDOW_DAYS = 10
SPAN_DAYS = 6.9  # the mapped items end an hour before now and start within For you's week
NEWEST_AGO = timedelta(hours=1)

WORLD, POLITICS, BUSINESS, SPORT, HEALTH = "world", "politics", "business", "sport", "health"
SCIENCE, ARTS, LIFESTYLE, TRAVEL = "science & technology", "entertainment & arts", "lifestyle", "travel"
SUBJECTS = (WORLD, POLITICS, BUSINESS, SPORT, HEALTH, SCIENCE, ARTS, LIFESTYLE, TRAVEL)

# The snapshot folder (manifest `feed`) → the publisher's name as the bench serves it.
PUBLISHERS = {
    "bbc": "BBC News", "cnn": "CNN", "dailymail": "Daily Mail", "dailytelegraph": "The Daily Telegraph",
    "fox": "Fox News", "gmanews": "GMA News", "latimes": "Los Angeles Times", "nytimes": "The New York Times",
    "nzherald": "NZ Herald", "philstar": "Philstar", "rnz": "RNZ", "smh": "The Sydney Morning Herald",
    "straittimes": "The Straits Times", "wsj": "The Wall Street Journal",
}  # fmt: skip

# (feed, path prefix, subject), matched against the URL path with any /YYYY/MM/DD removed; the longest matching
# prefix decides (smh.com.au/lifestyle/health-and-wellness/ is health). Philstar ("headlines") and The Straits Times
# ("singapore") state no subject; nor do a country's own pages (uk, us, nz, national, nation, california, …).
RULES: tuple[tuple[str, str, str], ...] = (
    ("bbc", "/sport/", SPORT), ("bbc", "/news/world", WORLD), ("bbc", "/news/business", BUSINESS),
    ("bbc", "/news/health", HEALTH), ("bbc", "/news/technology", SCIENCE),
    ("bbc", "/news/science-environment", SCIENCE), ("bbc", "/news/entertainment-arts", ARTS),
    ("bbc", "/news/uk-politics", POLITICS), ("bbc", "/news/politics", POLITICS),
    ("cnn", "/world/", WORLD), ("cnn", "/asia/", WORLD), ("cnn", "/europe/", WORLD), ("cnn", "/americas/", WORLD),
    ("cnn", "/africa/", WORLD), ("cnn", "/middleeast/", WORLD), ("cnn", "/uk/", WORLD), ("cnn", "/china/", WORLD),
    ("cnn", "/australia/", WORLD), ("cnn", "/india/", WORLD), ("cnn", "/videos/world/", WORLD),
    ("cnn", "/politics/", POLITICS), ("cnn", "/videos/politics/", POLITICS),
    ("cnn", "/business/", BUSINESS), ("cnn", "/investing/", BUSINESS), ("cnn", "/videos/business/", BUSINESS),
    ("cnn", "/health/", HEALTH), ("cnn", "/videos/health/", HEALTH), ("cnn", "/tech/", SCIENCE),
    ("cnn", "/sport/", SPORT), ("cnn", "/football/", SPORT), ("cnn", "/tennis/", SPORT), ("cnn", "/golf/", SPORT),
    ("cnn", "/videos/sports/", SPORT), ("cnn", "/entertainment/", ARTS), ("cnn", "/videos/entertainment/", ARTS),
    ("cnn", "/travel/", TRAVEL), ("cnn", "/videos/travel/", TRAVEL),
    ("dailymail", "/sport/", SPORT), ("dailymail", "/sciencetech/", SCIENCE), ("dailymail", "/tvshowbiz/", ARTS),
    ("dailymail", "/money/", BUSINESS), ("dailymail", "/health/", HEALTH), ("dailymail", "/travel/", TRAVEL),
    ("dailymail", "/femail/", LIFESTYLE),
    ("dailytelegraph", "/business/", BUSINESS),
    ("fox", "/sports/", SPORT), ("fox", "/politics/", POLITICS), ("fox", "/world/", WORLD),
    ("fox", "/entertainment/", ARTS), ("fox", "/health/", HEALTH), ("fox", "/science/", SCIENCE),
    ("fox", "/tech/", SCIENCE), ("fox", "/travel/", TRAVEL), ("fox", "/lifestyle/", LIFESTYLE),
    ("fox", "/food-drink/", LIFESTYLE),
    ("gmanews", "/news/news/world/", WORLD),
    ("latimes", "/sports/", SPORT), ("latimes", "/business/", BUSINESS), ("latimes", "/world-nation/", WORLD),
    ("latimes", "/politics/", POLITICS), ("latimes", "/entertainment-arts/", ARTS), ("latimes", "/science/", SCIENCE),
    ("latimes", "/environment/", SCIENCE), ("latimes", "/lifestyle/", LIFESTYLE), ("latimes", "/travel/", TRAVEL),
    ("nytimes", "/us/politics/", POLITICS), ("nytimes", "/world/", WORLD), ("nytimes", "/business/", BUSINESS),
    ("nytimes", "/your-money/", BUSINESS), ("nytimes", "/health/", HEALTH), ("nytimes", "/technology/", SCIENCE),
    ("nytimes", "/science/", SCIENCE), ("nytimes", "/climate/", SCIENCE), ("nytimes", "/arts/", ARTS),
    ("nytimes", "/books/", ARTS), ("nytimes", "/movies/", ARTS), ("nytimes", "/theater/", ARTS),
    ("nytimes", "/sports/", SPORT), ("nytimes", "/travel/", TRAVEL), ("nytimes", "/dining/", LIFESTYLE),
    ("nytimes", "/parenting/", LIFESTYLE), ("nytimes", "/smarter-living/", LIFESTYLE),
    ("nzherald", "/sport/", SPORT), ("nzherald", "/business/", BUSINESS), ("nzherald", "/personal-finance/", BUSINESS),
    ("nzherald", "/world/", WORLD), ("nzherald", "/entertainment/", ARTS), ("nzherald", "/lifestyle/", LIFESTYLE),
    ("nzherald", "/travel/", TRAVEL),
    ("rnz", "/news/political/", POLITICS), ("rnz", "/news/business/", BUSINESS), ("rnz", "/news/world/", WORLD),
    ("rnz", "/news/sport/", SPORT),
    ("smh", "/sport/", SPORT), ("smh", "/business/", BUSINESS), ("smh", "/money/", BUSINESS), ("smh", "/world/", WORLD),
    ("smh", "/politics/", POLITICS), ("smh", "/culture/", ARTS), ("smh", "/lifestyle/", LIFESTYLE),
    ("smh", "/lifestyle/health-and-wellness/", HEALTH), ("smh", "/technology/", SCIENCE),
    ("smh", "/environment/", SCIENCE),
    # The snapshots are WSJ's World News feed (its channel title); its URLs carry no section.
    ("wsj", "/articles/", WORLD),
)  # fmt: skip

_DATE = re.compile(r"/\d{4}/\d{2}/\d{2}(?=/)")
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def subject(feed: str, link: str) -> str | None:
    """The subject the publisher gives `link` (by `RULES`), or None where its section names none."""
    path = _DATE.sub("", urlsplit(link).path)
    matches = [(len(prefix), found) for name, prefix, found in RULES if name == feed and path.startswith(prefix)]
    return max(matches)[1] if matches else None


@dataclass(frozen=True, slots=True)
class Sighting:
    feed: str
    link: str
    title: str
    summary: str
    published_at: datetime  # the item's pubDate; the snapshot's capture time where it has none


def sightings(root: Path = FEEDS) -> Iterator[Sighting]:
    """Every item of every snapshot, in the manifest's order (an item kept by many snapshots comes many times)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    with (root / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        snapshots = list(csv.DictReader(handle))
    for snapshot in snapshots:
        captured = datetime.fromisoformat(snapshot["capture_time_utc"]).astimezone(UTC)
        with gzip.open(root / snapshot["path"]) as handle:
            document = etree.fromstring(handle.read(), parser)
        for item in document.iter("item") if document is not None else ():
            link, title = (item.findtext("link") or "").strip(), _text(item.findtext("title"))
            if link and title:
                yield Sighting(
                    feed=snapshot["feed"], link=link, title=title, summary=_text(item.findtext("description"))[:600],
                    published_at=_published(item.findtext("pubDate"), captured),
                )  # fmt: skip


def _text(html: str | None) -> str:
    return _SPACE.sub(" ", _TAGS.sub(" ", html or "")).strip()


def _published(stated: str | None, captured: datetime) -> datetime:
    """The pubDate when it parses and is not after the capture (a feed's clock can run ahead); else the capture."""
    try:
        when = parsedate_to_datetime(stated.strip()) if stated else None
    except (TypeError, ValueError):
        when = None
    if when is None or when.tzinfo is None or when > captured:
        return captured
    return when.astimezone(UTC)


def labelled(root: Path = FEEDS) -> list[tuple[stories.Item, str]]:
    """Each distinct item (by the product's identity rule for links) with a subject, first sighting kept, with
    its subject; times as the publishers gave them."""
    from newsstand.articles.identity import comparable_url

    found: dict[str, tuple[stories.Item, str]] = {}
    for seen in sightings(root):
        identity = comparable_url(seen.link)
        if identity in found or (about := subject(seen.feed, seen.link)) is None:
            continue
        item = stories.Item(
            key=f"s{len(found):05d}", publisher=PUBLISHERS[seen.feed], title=seen.title, summary=seen.summary,
            link=seen.link, published_at=seen.published_at.replace(microsecond=0), event="", part="sections",
        )  # fmt: skip
        found[identity] = (item, about)
    return list(found.values())


def items(*, now: datetime, window: timedelta = timedelta(days=WINDOW_DAYS)) -> list[tuple[stories.Item, str]]:
    """The labelled items of the busiest `window` (by publication time), their times mapped linearly onto the
    `SPAN_DAYS` that end `NEWEST_AGO` before `now`."""
    every = sorted(labelled(), key=lambda pair: pair[0].published_at)
    times = [item.published_at for item, _ in every]
    best_start, best_count, end = 0, 0, 0
    for start, first in enumerate(times):
        while end < len(times) and times[end] < first + window:
            end += 1
        if end - start > best_count:
            best_start, best_count = start, end - start
    chosen = every[best_start : best_start + best_count]
    origin, scale = chosen[0][0].published_at, timedelta(days=SPAN_DAYS) / window
    newest = now.replace(microsecond=0) - NEWEST_AGO
    target_origin = newest - timedelta(days=SPAN_DAYS)
    return [
        (
            replace(item, published_at=(target_origin + (item.published_at - origin) * scale).replace(microsecond=0)),
            about,
        )
        for item, about in chosen
    ]
