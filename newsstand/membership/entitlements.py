"""What a membership means at a moment: pure functions of its data and the time, no database, no clock.

The stored status is the last thing recorded; time moves it on without anyone writing:

- trialing → expired when the trial ends;
- active → expired at the end of a granted period (manual); a provider-billed period that ran out without news
  of the renewal reads as past_due (payment not confirmed yet) for the grace period, then expired;
- past_due → reads for the grace period from when the payment failed, then expired;
- canceled → reads until the period it paid for ends, then expired;
- unverified stays unverified: the trial starts (a write: `services.start_trial`) when the address is verified.

`has_access` is true in every state but expired and unverified.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings

from newsstand.membership.models import Status

RENEWING_PROVIDERS = frozenset({"stripe"})
NO_ACCESS = frozenset({Status.EXPIRED, Status.UNVERIFIED})


class MembershipData(Protocol):
    status: str
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    past_due_since: datetime | None
    provider: str


def default_grace() -> timedelta:
    return timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)


def timeline(
    membership: MembershipData | None, *, grace: timedelta | None = None
) -> list[tuple[Status, datetime | None]]:
    """The states the membership will pass through if nothing else is recorded, each with the moment it ends
    (None: it does not end by itself); expired follows the last one."""
    if membership is None:
        return []
    grace = default_grace() if grace is None else grace
    status, period_end = membership.status, membership.current_period_end
    if status == Status.TRIALING and membership.trial_ends_at is not None:
        return [(Status.TRIALING, membership.trial_ends_at)]
    if status == Status.ACTIVE:
        if period_end is None:
            return [(Status.ACTIVE, None)]
        if membership.provider in RENEWING_PROVIDERS:
            return [(Status.ACTIVE, period_end), (Status.PAST_DUE, period_end + grace)]
        return [(Status.ACTIVE, period_end)]
    if status == Status.PAST_DUE:
        since = membership.past_due_since or period_end
        return [(Status.PAST_DUE, since + grace)] if since is not None else []
    if status == Status.CANCELED and period_end is not None:
        return [(Status.CANCELED, period_end)]
    return []


def state_at(membership: MembershipData | None, now: datetime, *, grace: timedelta | None = None) -> Status:
    """The membership's state at `now` (no membership at all reads as expired)."""
    if membership is not None and membership.status == Status.UNVERIFIED:
        return Status.UNVERIFIED
    for state, until in timeline(membership, grace=grace):
        if until is None or now < until:
            return state
    return Status.EXPIRED


def has_access(membership: MembershipData | None, now: datetime, *, grace: timedelta | None = None) -> bool:
    """May this member read everything now? The one rule the paywall asks."""
    return state_at(membership, now, grace=grace) not in NO_ACCESS


def access_ends_at(membership: MembershipData | None, *, grace: timedelta | None = None) -> datetime | None:
    """When access ends if nothing else is recorded (None: it does not end by itself, or there is none)."""
    steps = timeline(membership, grace=grace)
    return steps[-1][1] if steps else None


def trial_days_left(membership: MembershipData | None, now: datetime) -> int:
    """Whole days of trial left, rounded up (a trial ending in 3 h has 1 day left); 0 when not on trial."""
    if membership is None or membership.trial_ends_at is None or state_at(membership, now) != Status.TRIALING:
        return 0
    left = membership.trial_ends_at - now
    return left.days + (1 if left % timedelta(days=1) else 0)
