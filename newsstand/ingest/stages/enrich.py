"""Enrich: fill what the feed left out. Before sanitising, the article page's fields fill the draft
(`merge_extracted`, untrusted HTML into untrusted HTML); after it, `derive` adds what store keeps beside the clean
HTML and nothing else computes: the text, its word count and the content hash that tells a changed article."""

from __future__ import annotations

from dataclasses import replace

from newsstand.articles.identity import content_hash
from newsstand.core import html
from newsstand.ingest.types import CleanEntry, DraftEntry, Extracted


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
    """`text` (the body as plain text, or the summary's when there is no body), `word_count` and `content_hash`."""
    text = html.text_of_clean_html(entry.body_html or entry.summary_html)
    return replace(
        entry,
        text=text,
        word_count=html.word_count(text),
        content_hash=content_hash(
            title=entry.title, summary=entry.summary_html, body=entry.body_html, author=entry.author,
            image=entry.lead_image_url,
        ),
    )  # fmt: skip
