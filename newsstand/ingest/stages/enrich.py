"""Enrich: fill what the feed and page left out, from what we know of the feed (after sanitising)."""

from __future__ import annotations

from dataclasses import replace

from newsstand.ingest.types import Entry, Extracted


def merge_extracted(entry: Entry, extracted: Extracted) -> Entry:
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
