"""Claim: lease the feeds that are due, so two crawlers never fetch one feed at once.

On PostgreSQL the claim is `SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE of the lease in one transaction;
on SQLite the transaction takes the write lock up front (transaction_mode=IMMEDIATE), which serialises claims.
A crawler killed mid-batch holds its leases until they expire; then any crawler takes those feeds again, and
since every write is an idempotent upsert nothing is lost or duplicated. When a feed falls due again is decided
after it is stored (ingest.stages.schedule, with the policy in sources.schedule).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q

from newsstand.ingest.types import FeedJob
from newsstand.sources.models import Feed

DEFAULT_LEASE = timedelta(minutes=10)


def claim_due_feeds(
    *,
    owner: str,
    now: datetime,
    limit: int,
    lease: timedelta = DEFAULT_LEASE,
    all_active: bool = False,
    exclude: Collection[int] = (),
) -> list[FeedJob]:
    """Lease up to `limit` due feeds (every active one with `all_active`) to `owner`, most overdue first."""
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = Q() if all_active else Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
    with transaction.atomic():
        candidates = Feed.objects.filter(free, due, active=True).order_by("next_fetch_at", "id")
        if exclude:
            candidates = candidates.exclude(pk__in=list(exclude))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        feeds = list(
            candidates.only(
                "id", "url", "publisher_id", "section", "full_text", "etag", "last_modified",
                "interval_seconds", "consecutive_failures", "publisher_guessed", "private",
            )[:limit]
        )  # fmt: skip
        Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(lease_owner=owner, lease_expires_at=now + lease)
    return [
        FeedJob(
            feed_id=f.pk,
            url=f.url,
            publisher_id=f.publisher_id,
            section=f.section,
            full_text=f.full_text,
            etag=f.etag,
            last_modified=f.last_modified,
            interval_seconds=f.interval_seconds,
            consecutive_failures=f.consecutive_failures,
            publisher_guessed=f.publisher_guessed,
            private=f.private,
        )
        for f in feeds
    ]


def next_due_at() -> datetime | None:
    """When the next active feed falls due (the idle crawler sleeps until then)."""
    return (
        Feed.objects.filter(active=True, next_fetch_at__isnull=False)
        .order_by("next_fetch_at")
        .values_list("next_fetch_at", flat=True)
        .first()
    )
