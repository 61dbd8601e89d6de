"""The "For you" rule, as plain functions (no database): what a reader follows, lightly widened by what they read.

Until personalisation arrives, For you is *the latest from the publishers and sections the reader follows*. To
that, a light touch of what they actually read: the publishers and sections that come up most in their recent
history (at least `MIN_READS` reads, the top `READ_TOP` of each, not followed already) may fill at most a
`READ_SHARE` of the list. Everything is ordered newest first; nobody who follows nothing gets a list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

READ_TOP = 2
MIN_READS = 3
READ_SHARE = 0.25


@dataclass(frozen=True)
class Interests:
    publisher_ids: frozenset[int] = field(default_factory=frozenset)
    sections: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.publisher_ids or self.sections)


class _Dated(Protocol):
    pk: int | None
    published_at: datetime


Item = TypeVar("Item", bound=_Dated)


def read_interests(
    reads: Iterable[tuple[int, str]], *, followed: Interests, top: int = READ_TOP, min_reads: int = MIN_READS
) -> Interests:
    """From the (publisher id, section) of each recently read article: the most-read publishers and sections that
    the reader does not follow yet, `top` of each, each read at least `min_reads` times. Ties go to the smaller id
    or the name first, so the rule is stable."""
    reads = list(reads)
    publishers = Counter(pid for pid, _ in reads if pid not in followed.publisher_ids)
    sections = Counter(name for _, name in reads if name and name not in followed.sections)

    def best(counts: Counter) -> frozenset:
        ranked = sorted((item for item, n in counts.items() if n >= min_reads), key=lambda k: (-counts[k], k))
        return frozenset(ranked[:top])

    return Interests(publisher_ids=best(publishers), sections=best(sections))


def blend(
    followed: Sequence[Item], read_based: Sequence[Item], *, limit: int, read_share: float = READ_SHARE
) -> list[Item]:
    """The newest `limit` items, of which at most `read_share` of the slots (rounded down) go to what the reader
    reads; no item twice. Both inputs come newest first."""
    seen = {item.pk for item in followed}
    extra = [item for item in read_based if item.pk not in seen][: int(limit * read_share)]
    chosen = list(followed[: limit - len(extra)]) + extra
    return sorted(chosen, key=lambda item: (item.published_at, item.pk or 0), reverse=True)
