"""The CPU-bound stages, as the worker processes run them: parse → normalize, extract, sanitize.

The crawler's event loop only fetches and coordinates; these functions run in a process pool (one process per
core) so that parsing and extraction use every core and never block fetching. They take and return the plain
dataclasses of ingest.types and import nothing from Django's ORM, so a worker process starts cheaply.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from datetime import datetime

from newsstand.articles import identity
from newsstand.core import urls
from newsstand.core.errors import NewsstandError
from newsstand.ingest.stages import enrich, normalize, parse, sanitize
from newsstand.ingest.types import Entry, FeedMeta


def entry_source_hash(entry: Entry) -> str:
    return identity.source_hash(
        entry.url,
        entry.title,
        entry.summary_html,
        entry.body_html,
        entry.author,
        entry.lead_image_url,
        entry.lead_image_caption,
        entry.published_at.isoformat() if entry.published_at else "",
    )


def parse_and_normalize(
    body: bytes, *, url: str, content_type: str, feed_url: str, full_text_mode: str, now: datetime
) -> tuple[FeedMeta, list[Entry]]:
    """Feed bytes → normalised entries with their source hash. Raises ParseError for what is not a feed."""
    parsed = parse.parse_feed(body, url=url, content_type=content_type)
    entries = normalize.normalize_entries(
        parsed, feed_url=feed_url, base_url=url, full_text_mode=full_text_mode, now=now
    )
    entries = [replace(e, source_hash=entry_source_hash(e)) for e in entries]
    image = urls.absolute(url, parsed.image) if parsed.image else ""
    meta = FeedMeta(
        title=parsed.title,
        site_url=parsed.link,
        description=parsed.description,
        image_url=image if urls.is_http_url(image) else "",
        ttl_minutes=parsed.ttl_minutes,
        entry_count=len(entries),
        entry_times=tuple(e.published_at for e in entries),
    )
    return meta, entries


def parse_normalize_sanitize(
    body: bytes, *, url: str, content_type: str, feed_url: str, full_text_mode: str, now: datetime
) -> tuple[FeedMeta, list[Entry]]:
    """One worker round trip per feed: the crawler process, which also fetches and writes, is the scarce one."""
    meta, entries = parse_and_normalize(
        body, url=url, content_type=content_type, feed_url=feed_url, full_text_mode=full_text_mode, now=now
    )
    return meta, sanitize_entries(entries, base_url=url)


def sanitize_entries(entries: list[Entry], *, base_url: str) -> list[Entry]:
    return [sanitize.sanitize_entry(e, base_url=e.url or base_url) for e in entries]


def extract_and_sanitize(entry: Entry, page: bytes, *, page_url: str) -> Entry:
    """Merge the article page's full text into the entry; on a page we cannot read, keep the summary and say why."""
    # Imported here: trafilatura takes ~1 s to import, which a feed-only crawl's workers never need to pay.
    from newsstand.ingest.stages import extract

    try:
        extracted = extract.extract_page(page, url=page_url)
    except NewsstandError as exc:
        entry = replace(entry, extraction_error=str(exc) or exc.code)
    else:
        entry = enrich.merge_extracted(entry, extracted)
    return sanitize.sanitize_entry(entry, base_url=page_url)


def watch_parent(crawler_pid: int) -> None:
    """Pool worker start-up: exit when the crawler is gone. A crawler killed with SIGKILL cannot stop its
    pool, and ProcessPoolExecutor's workers would otherwise wait for work forever."""

    def watch() -> None:
        while os.getppid() == crawler_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="newsstand-parent-watch", daemon=True).start()
