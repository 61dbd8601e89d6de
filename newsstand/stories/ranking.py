"""Top stories right now: pure ranking decisions, plus the one call that stores a story's rank.

A story's score is its coverage breadth (distinct publishers, each counted by its editorial weight), lifted by
its velocity (new articles per hour) and an editorial boost, and decayed by the age of its latest coverage with
a half-life. Because exponential decay multiplies every score by the same factor as time passes, the ranking
can be stored once as

    rank_key = ln(base score) + ln 2 · t_last / half_life

and read with one indexed ORDER BY, whatever the time: the key only changes when the story does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from newsstand.stories.models import Story

HALF_LIFE = timedelta(hours=8)
VELOCITY_WINDOW = timedelta(hours=6)
_DECAY_PER_SECOND = math.log(2) / HALF_LIFE.total_seconds()


def base_score(*, publisher_weights: Iterable[float], velocity: float, editorial_boost: float = 0.0) -> float:
    """Breadth first: ten publishers on one event outrank one publisher's ten updates."""
    breadth = sum(max(0.0, w) for w in publisher_weights)
    return (1.0 + breadth) ** 1.5 * (1.0 + math.log1p(max(0.0, velocity))) * (1.0 + max(0.0, editorial_boost))


def rank_key(*, base: float, last_seen: datetime, now: datetime) -> float:
    """The stored ordering key; coverage dated in the future counts as now."""
    seen = min(last_seen, now)
    return math.log(max(base, 1e-9)) + seen.timestamp() * _DECAY_PER_SECOND


def score_at(key: float, *, now: datetime) -> float:
    """The decayed score at `now`, for display and thresholds."""
    return math.exp(key - now.timestamp() * _DECAY_PER_SECOND)


def velocity(published: Sequence[datetime], *, window: timedelta = VELOCITY_WINDOW) -> float:
    """Articles per hour over the last `window` of the story's own coverage (not the wall clock)."""
    if not published:
        return 0.0
    latest = max(published)
    recent = sum(1 for t in published if t >= latest - window)
    return recent / (window.total_seconds() / 3600)


T = TypeVar("T")


def balance_sections(ranked: Iterable[T], *, section_of, limit: int, per_section: int) -> list[T]:
    """Keep rank order but let no section take more than `per_section` of the first `limit` places; when too
    few sections compete, the remaining places go back to rank order."""
    chosen: list[T] = []
    held_back: list[T] = []
    counts: dict[str, int] = {}
    for item in ranked:
        section = section_of(item) or ""
        if counts.get(section, 0) < per_section:
            counts[section] = counts.get(section, 0) + 1
            chosen.append(item)
            if len(chosen) == limit:
                return chosen
        else:
            held_back.append(item)
    return chosen + held_back[: limit - len(chosen)]


def update_rank(
    story: Story, *, publisher_weights: Iterable[float], published: Sequence[datetime], now: datetime
) -> None:
    """Set the story's velocity and rank_key from its articles (the caller saves)."""
    story.velocity = velocity(published)
    base = base_score(
        publisher_weights=publisher_weights, velocity=story.velocity, editorial_boost=story.editorial_boost
    )
    story.rank_key = rank_key(base=base, last_seen=story.last_seen_at, now=now)
