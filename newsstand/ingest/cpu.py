"""The CPU-bound stages, as the worker processes run them: parse → normalize, then (for the entries the filter
kept) extract, sanitize → enrich.

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
from newsstand.ingest.types import CleanEntry, DraftEntry, FeedMeta


def entry_source_hash(entry: DraftEntry) -> str:
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
    body: bytes,
    *,
    url: str,
    content_type: str,
    feed_url: str,
    full_text_mode: str,
    now: datetime,
    content_location: str = "",
) -> tuple[FeedMeta, list[DraftEntry]]:
    """Feed bytes → draft entries with their source hash (what the filter compares). Raises ParseError for what
    is not a feed. No HTML is cleaned here: most entries of a changed feed are known, and the filter drops them.
    `content_location` is the response's Content-Location header: the document's own URL, the base of its links."""
    parsed = parse.parse_feed(body, url=url, content_type=content_type, content_location=content_location)
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


def extract(entry: DraftEntry, page: bytes, *, page_url: str) -> DraftEntry:
    """The article page's full text merged into the draft; on a page we cannot read, the summary kept and why."""
    # Imported here: trafilatura takes ~1 s to import, which a feed-only crawl's workers never need to pay.
    from newsstand.ingest.stages import extract as extract_stage

    try:
        extracted = extract_stage.extract_page(page, url=page_url)
    except NewsstandError as exc:
        return replace(entry, extraction_error=str(exc) or exc.code)
    return enrich.merge_extracted(entry, extracted)


def clean(entries: list[tuple[DraftEntry, str]]) -> list[CleanEntry]:
    """sanitize → enrich, each entry once, against its base URL (its page's URL, or its own, or the feed's): one
    worker round trip for all of a feed's new and changed entries."""
    return [enrich.derive(sanitize.sanitize_entry(entry, base_url=base_url)) for entry, base_url in entries]


def extract_and_clean(entry: DraftEntry, page: bytes, *, page_url: str) -> CleanEntry:
    """extract → sanitize → enrich for one paged entry in one worker round trip (the page is the heavy part)."""
    return clean([(extract(entry, page, page_url=page_url), page_url)])[0]


def watch_parent(crawler_pid: int) -> None:
    """Pool worker start-up: exit when the crawler is gone. A crawler killed with SIGKILL cannot stop its
    pool, and ProcessPoolExecutor's workers would otherwise wait for work forever."""

    def watch() -> None:
        while os.getppid() == crawler_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="newsstand-parent-watch", daemon=True).start()
