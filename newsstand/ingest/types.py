"""The typed values that flow between pipeline stages (see ingest/pipeline.py for the order).

They are plain, picklable dataclasses: parse, normalize, extract, sanitize and enrich run in worker processes.
Untrusted HTML travels in a DraftEntry; only the sanitize stage turns one into a CleanEntry, whose HTML is CleanHtml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newsstand.core.html import CleanHtml
from newsstand.topics.extraction import FoundTopic


@dataclass(frozen=True, slots=True)
class FeedJob:
    """A claimed feed, as the claim stage hands it to fetch."""

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
class _EntryFields:
    """What a draft and a clean entry both carry: absolute URLs, aware UTC dates, an identity."""

    identity: str
    url: str
    guid: str
    title: str
    summary_html: str
    body_html: str
    author: str
    categories: list[str]
    published_at: datetime | None
    lead_image_url: str = ""
    lead_image_caption: str = ""
    lead_image_credit: str = ""
    language: str = ""
    canonical_url: str = ""
    full_text: bool = False
    extraction_error: str = ""
    source_hash: str = ""  # the entry as the feed gave it; the filter stage skips entries whose hash is stored


@dataclass(slots=True)
class DraftEntry(_EntryFields):
    """An entry as normalize makes it and the article page may fill it, its HTML as the publisher sent it:
    untrusted. Nothing renders or stores a draft; the sanitize stage makes a CleanEntry of it."""

    needs_page: bool = False  # the extract stage should fetch the article page


@dataclass(slots=True)
class CleanEntry(_EntryFields):
    """An entry ready to store, made by the sanitize stage only: its HTML is CleanHtml, its title, author and
    caption plain text, its URLs http(s); then given by enrich what store keeps beside the HTML."""

    summary_html: CleanHtml
    body_html: CleanHtml
    text: str = ""
    word_count: int = 0
    content_hash: str = ""
    topics: tuple[FoundTopic, ...] = ()  # what it is about (topics.extraction), written beside it by store


@dataclass(frozen=True, slots=True)
class Known:
    """An article already stored under an entry's identity, as the filter and store stages compare with it."""

    article_id: int
    source_hash: str  # "" when its last extraction failed: the entry is worked again
    content_hash: str


@dataclass(frozen=True, slots=True)
class FeedFailure:
    """Why a feed's fetch came to nothing, as it is recorded on the feed."""

    code: str  # fetch's error codes, "parse", or "internal"
    message: str
    status: int | None = None


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
