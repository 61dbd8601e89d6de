"""When to fetch a feed next: pure functions of what we observed and `now`.

The interval adapts to the feed's publishing rate (a feed that publishes every ten minutes is read every five;
a weekly one daily), is never shorter than what the publisher's caching headers ask for, stays within bounds,
and backs off exponentially with jitter on errors. Retry-After from 429/503 is honoured.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from newsstand.core.clock import as_utc

MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 24 * 3600
DEFAULT_INTERVAL = 3600
MAX_BACKOFF = 24 * 3600
RATE_WINDOW = timedelta(days=14)
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def clamp(seconds: float, *, low: float = MIN_INTERVAL, high: float = MAX_INTERVAL) -> int:
    return int(max(low, min(high, seconds)))


def cache_lifetime(headers: Mapping[str, str], *, now: datetime) -> float | None:
    """Seconds the publisher asks us to wait (Cache-Control max-age, else Expires); None when unsaid."""
    match = _MAX_AGE.search(headers.get("cache-control", ""))
    if match:
        return float(match.group(1))
    expires = headers.get("expires")
    if expires:
        try:
            return max(0.0, (as_utc(parsedate_to_datetime(expires)) - now).total_seconds())
        except (TypeError, ValueError, IndexError):
            return None
    return None


def publishing_interval(entry_times: Iterable[datetime | None], *, now: datetime) -> float | None:
    """Median gap between the feed's recent entries, or None when it has too few recent ones to tell."""
    recent = sorted(t for t in entry_times if t is not None and now - RATE_WINDOW <= t <= now)
    if len(recent) < 2:
        return None
    gaps = sorted((b - a).total_seconds() for a, b in zip(recent, recent[1:], strict=False))
    return gaps[len(gaps) // 2] or 60.0


def next_interval(
    *,
    entry_times: Iterable[datetime | None],
    headers: Mapping[str, str],
    now: datetime,
    ttl_minutes: int | None = None,
    previous: int = DEFAULT_INTERVAL,
) -> int:
    """The interval after a successful fetch: half the publishing gap, at least the cache lifetime and TTL."""
    gap = publishing_interval(entry_times, now=now)
    interval = previous if gap is None else gap / 2
    floor = max(cache_lifetime(headers, now=now) or 0.0, (ttl_minutes or 0) * 60.0)
    return clamp(max(interval, floor))


def backoff(*, failures: int, interval: int, rng: random.Random | None = None) -> int:
    """Delay after the n-th consecutive failure: exponential from the normal interval, with ±25% jitter so
    that feeds failing together (a host outage) do not retry together."""
    rng = rng or random.Random()
    base = min(MAX_BACKOFF, max(MIN_INTERVAL, interval) * 2 ** min(failures - 1, 10))
    return int(min(MAX_BACKOFF, base * rng.uniform(0.75, 1.25)))


def retry_delay(*, retry_after: float | None, failures: int, interval: int, rng: random.Random | None = None) -> int:
    """Honour the publisher's Retry-After when it gave one (bounded), else back off."""
    if retry_after is not None:
        return int(min(MAX_BACKOFF, max(60.0, retry_after)))
    return backoff(failures=failures, interval=interval, rng=rng)
