"""The typed values that flow between pipeline stages (see ingest/pipeline.py for the order).

They are plain, picklable dataclasses: parse, normalize, extract and sanitize run in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedJob:
    """A claimed feed, as the schedule stage hands it to fetch."""

    feed_id: int
    url: str
    publisher_id: int
    section: str
    full_text: str  # sources.models.FullTextMode value
    etag: str = ""
    last_modified: str = ""
    interval_seconds: int = 3600
    consecutive_failures: int = 0
    publisher_guessed: bool = False  # its first successful fetch places it again (sources.identity, rule 4)
    private: bool = False  # a member's private source (sources.private): what only it sights stays private


@dataclass(slots=True)
class FetchResult:
    """One HTTP exchange after redirects. `body` is None for 304 and for errors."""

    requested_url: str
    url: str  # final URL after redirects
    status: int | None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    permanent_url: str | None = None  # set when every redirect hop was 301/308: the feed URL moves
    elapsed: float = 0.0
    error_code: str = ""  # "" when the exchange succeeded (2xx or 304)
    error: str = ""
    retry_after: float | None = None  # seconds, from Retry-After on 429/503

    @property
    def ok(self) -> bool:
        return not self.error_code

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(slots=True)
class RawImage:
    url: str
    caption: str = ""
    credit: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(slots=True)
class RawEntry:
    """An entry as the parse stage read it: strings as found, HTML unsanitised, URLs possibly relative."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""  # HTML or text
    content: str = ""  # HTML or text; the longest full content the feed carries
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    images: list[RawImage] = field(default_factory=list)  # media:content, enclosures, thumbnails, JSON image
    language: str = ""


@dataclass(slots=True)
class ParsedFeed:
    title: str = ""
    link: str = ""  # the site's home page
    language: str = ""
    format: str = ""  # "rss", "atom", "rdf", "json"
    description: str = ""  # plain text: RSS <description>, Atom <subtitle>, JSON Feed `description`
    image: str = ""  # the channel's image as written (RSS <image>, Atom <logo>/<icon>, JSON Feed `icon`)
    entries: list[RawEntry] = field(default_factory=list)
    ttl_minutes: int | None = None  # RSS <ttl>, a hint for the schedule


@dataclass(slots=True)
class Entry:
    """A normalised entry ready to store: absolute URLs, aware UTC dates, sanitised HTML, an identity."""

    identity: str
    url: str
    guid: str
    title: str
    summary_html: str
    body_html: str
    text: str
    author: str
    categories: list[str]
    published_at: datetime | None
    lead_image_url: str = ""
    lead_image_caption: str = ""
    lead_image_credit: str = ""
    language: str = ""
    canonical_url: str = ""
    full_text: bool = False
    needs_page: bool = False  # the extract stage should fetch the article page
    extraction_error: str = ""
    word_count: int = 0
    content_hash: str = ""
    source_hash: str = ""  # the entry as the feed gave it; the filter stage skips entries whose hash is stored


@dataclass(slots=True)
class Extracted:
    """What the extract stage found on an article page (body HTML unsanitised)."""

    body_html: str = ""
    text: str = ""
    title: str = ""
    author: str = ""
    published: datetime | None = None
    canonical_url: str = ""
    lead_image: RawImage | None = None
    description: str = ""


@dataclass(slots=True)
class StoreOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # existing articles newly linked to this feed


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What the parse stage learnt about the feed that the schedule and the feed row need."""

    title: str = ""
    site_url: str = ""
    description: str = ""
    image_url: str = ""  # absolute http(s), or ""
    ttl_minutes: int | None = None
    entry_count: int = 0
    entry_times: tuple[datetime | None, ...] = ()
