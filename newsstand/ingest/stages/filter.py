"""Filter: drop entries we already hold unchanged, before the costly stages (page fetch, extraction, sanitising).

The comparison is on `source_hash`, the entry as the feed gave it, so an unchanged entry costs one indexed
lookup (store.known_articles, shared with the store stage) however heavy its page would be to extract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsstand.ingest.types import Entry


@dataclass(slots=True)
class Filtered:
    todo: list[Entry] = field(default_factory=list)  # new or changed: continue down the pipeline
    unchanged_ids: list[int] = field(default_factory=list)  # stored already: only the feed link is ensured


def split_known(entries: list[Entry], known: dict[str, tuple]) -> Filtered:
    """Pure: which entries still need work, given what is stored."""
    result = Filtered()
    for entry in entries:
        stored = known.get(entry.identity)
        if stored is not None and stored[1] and stored[1] == entry.source_hash:
            result.unchanged_ids.append(stored[0])
        else:
            result.todo.append(entry)
    return result
