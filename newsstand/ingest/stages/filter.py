"""Filter: drop the entries we already hold unchanged, before any HTML work (page fetch, extraction, sanitising).

The pipeline (ingest.pipeline) runs claim → fetch → parse → normalize → known → filter → extract → sanitize → enrich
→ store → schedule → follow-on. The comparison is on `source_hash`, the entry as the feed gave it, so an unchanged
entry costs its share of one indexed lookup (stages.known, the pipeline's one read of stored articles) however heavy
its page would be to extract and clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsstand.ingest.types import DraftEntry, Known


@dataclass(slots=True)
class Filtered:
    todo: list[DraftEntry] = field(default_factory=list)  # new or changed: continue down the pipeline
    unchanged_ids: list[int] = field(default_factory=list)  # stored already: only the feed link is ensured


def split_known(entries: list[DraftEntry], known: dict[str, Known]) -> Filtered:
    """Pure: which entries still need work, given what is stored."""
    result = Filtered()
    for entry in entries:
        stored = known.get(entry.identity)
        if stored is not None and stored.source_hash and stored.source_hash == entry.source_hash:
            result.unchanged_ids.append(stored.article_id)
        else:
            result.todo.append(entry)
    return result
