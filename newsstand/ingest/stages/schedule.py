"""Schedule: when a fetched feed falls due again, decided after its fetch from what the fetch and the parse found.

Pure: the clock (`now`) and the random generator (backoff jitter) are arguments, so each case is one line of test.
The policy (publishing gaps, cache lifetimes, backoff) is sources.schedule; store only writes the decision down.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsstand.ingest.types import FeedJob, FeedMeta, FetchResult
from newsstand.sources import schedule as policy


@dataclass(frozen=True, slots=True)
class NextFetch:
    """The feed's next fetch: `at` None means never (the feed is gone and disabled)."""

    at: datetime | None
    interval_seconds: int | None = None  # a success sets the feed's polling interval; a failure keeps it


def after_success(*, job: FeedJob, result: FetchResult, meta: FeedMeta | None, now: datetime) -> NextFetch:
    """A 200 adapts the interval to how often the feed publishes; a 304 (no `meta`) keeps it, or lengthens it to
    what the publisher's cache headers ask."""
    if meta is not None:
        interval = policy.next_interval(
            entry_times=meta.entry_times, headers=result.headers, now=now, ttl_minutes=meta.ttl_minutes,
            previous=job.interval_seconds,
        )  # fmt: skip
    else:
        lifetime = policy.cache_lifetime(result.headers, now=now) or 0
        interval = policy.clamp(max(job.interval_seconds, lifetime))
    return NextFetch(at=now + timedelta(seconds=interval), interval_seconds=interval)


def after_failure(
    *, job: FeedJob, code: str, retry_after: float | None, now: datetime, rng: random.Random
) -> NextFetch:
    """Back off (or wait what Retry-After asked); 410 Gone is never fetched again."""
    if code == "gone":
        return NextFetch(at=None)
    delay = policy.retry_delay(
        retry_after=retry_after, failures=job.consecutive_failures + 1, interval=job.interval_seconds, rng=rng
    )
    return NextFetch(at=now + timedelta(seconds=delay))
