"""Enrich: fill what the feed left out. Before sanitising, the article page's fields fill the draft
(`merge_extracted`, untrusted HTML into untrusted HTML); after it, `derive` adds what store keeps beside the clean
HTML and nothing else computes: the text, its word count, the content hash that tells a changed article, and its
topics (topics.extraction: plain data, which the store stage writes as the article's topics)."""

from __future__ import annotations

import logging
from dataclasses import replace

from newsstand.articles.identity import content_hash
from newsstand.core import html
from newsstand.ingest.types import CleanEntry, DraftEntry, Extracted
from newsstand.topics.extraction import FoundTopic, extract_topics

log = logging.getLogger(__name__)


def merge_extracted(entry: DraftEntry, extracted: Extracted) -> DraftEntry:
    """The page's body replaces the feed's summary-only body; feed metadata wins where it has some."""
    lead = extracted.lead_image
    return replace(
        entry,
        body_html=extracted.body_html or entry.body_html,
        full_text=bool(extracted.body_html),
        canonical_url=extracted.canonical_url or entry.canonical_url,
        author=entry.author or extracted.author,
        title=entry.title or extracted.title,
        summary_html=entry.summary_html or extracted.description,
        published_at=entry.published_at or extracted.published,
        lead_image_url=entry.lead_image_url or (lead.url if lead else ""),
        lead_image_caption=entry.lead_image_caption or (lead.caption if lead and not entry.lead_image_url else ""),
        lead_image_credit=entry.lead_image_credit or (lead.credit if lead and not entry.lead_image_url else ""),
        extraction_error="",
    )


def derive(entry: CleanEntry) -> CleanEntry:
    """`text` (the body as plain text, or the summary's when there is no body), `word_count`, `content_hash` and
    `topics`."""
    text = html.text_of_clean_html(entry.body_html or entry.summary_html)
    return replace(
        entry,
        text=text,
        word_count=html.word_count(text),
        topics=topics_of(entry.title, text, entry.categories),
        content_hash=content_hash(
            title=entry.title, summary=entry.summary_html, body=entry.body_html, author=entry.author,
            image=entry.lead_image_url,
        ),
    )  # fmt: skip


def topics_of(title: str, text: str, categories: list[str]) -> tuple[FoundTopic, ...]:
    """The entry's topics; none, said in the log, if extraction fails on it: topics never cost an article."""
    try:
        return extract_topics(title, text, categories)
    except Exception:  # noqa: BLE001 — an article is stored without topics rather than lost over them
        log.exception("topic extraction failed for %r", title[:200])
        return ()
