"""Every state transition as a pure function of the membership's data and the time: no database; the time is today
at noon by the clock, and every case is relative to it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.membership.entitlements import access_ends_at, has_access, state_at, trial_days_left
from newsstand.membership.models import Membership, Status

T0 = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)
DAY = timedelta(days=1)
GRACE = timedelta(days=7)


def member(status: Status, *, provider: str = "manual", trial_end=None, period_end=None, past_due_since=None):
    """An unsaved Membership: the decision reads only its fields."""
    return Membership(
        status=status,
        provider=provider,
        trial_ends_at=trial_end,
        current_period_end=period_end,
        past_due_since=past_due_since,
    )


CASES = [
    # (what, membership, now, expected state)
    ("trial running", member(Status.TRIALING, trial_end=T0 + 14 * DAY), T0, Status.TRIALING),
    ("trial's last second", member(Status.TRIALING, trial_end=T0), T0 - timedelta(seconds=1), Status.TRIALING),
    ("trial lapsed at its end", member(Status.TRIALING, trial_end=T0), T0, Status.EXPIRED),
    ("trial without an end", member(Status.TRIALING), T0, Status.EXPIRED),
    ("granted, before the until-date", member(Status.ACTIVE, period_end=T0 + DAY), T0, Status.ACTIVE),
    ("granted, at the until-date", member(Status.ACTIVE, period_end=T0), T0, Status.EXPIRED),
    ("granted, no grace for manual", member(Status.ACTIVE, period_end=T0 - DAY), T0, Status.EXPIRED),
    ("active without a known end", member(Status.ACTIVE), T0 + 1000 * DAY, Status.ACTIVE),
    ("stripe, in the period", member(Status.ACTIVE, provider="stripe", period_end=T0 + DAY), T0, Status.ACTIVE),
    (
        "stripe, renewal not heard of yet: past due in grace",
        member(Status.ACTIVE, provider="stripe", period_end=T0 - DAY),
        T0,
        Status.PAST_DUE,
    ),
    (
        "stripe, renewal never came",
        member(Status.ACTIVE, provider="stripe", period_end=T0 - GRACE),
        T0,
        Status.EXPIRED,
    ),
    ("past due, in grace", member(Status.PAST_DUE, past_due_since=T0 - 6 * DAY), T0, Status.PAST_DUE),
    ("past due, grace over", member(Status.PAST_DUE, past_due_since=T0 - GRACE), T0, Status.EXPIRED),
    (
        "past due without a start: grace from the period end",
        member(Status.PAST_DUE, period_end=T0 - DAY),
        T0,
        Status.PAST_DUE,
    ),
    ("past due, nothing known", member(Status.PAST_DUE), T0, Status.EXPIRED),
    ("canceled, reads until the period end", member(Status.CANCELED, period_end=T0 + DAY), T0, Status.CANCELED),
    ("canceled, period over", member(Status.CANCELED, period_end=T0), T0, Status.EXPIRED),
    ("canceled, no period", member(Status.CANCELED), T0, Status.EXPIRED),
    ("expired stays expired", member(Status.EXPIRED, period_end=T0 + DAY, trial_end=T0 + DAY), T0, Status.EXPIRED),
]


@pytest.mark.parametrize(("what", "membership", "now", "expected"), CASES, ids=[case[0] for case in CASES])
def test_state_at(what, membership, now, expected):
    assert state_at(membership, now, grace=GRACE) == expected
    assert has_access(membership, now, grace=GRACE) == (expected != Status.EXPIRED)


def test_no_membership_reads_as_expired():
    assert state_at(None, T0) == Status.EXPIRED
    assert not has_access(None, T0)
    assert access_ends_at(None) is None


def test_grace_comes_from_settings_unless_given(settings):
    membership = member(Status.PAST_DUE, past_due_since=T0 - 3 * DAY)
    settings.MEMBERSHIP_GRACE_DAYS = 2
    assert state_at(membership, T0) == Status.EXPIRED
    settings.MEMBERSHIP_GRACE_DAYS = 4
    assert state_at(membership, T0) == Status.PAST_DUE


@pytest.mark.parametrize(
    ("membership", "ends"),
    [
        (member(Status.TRIALING, trial_end=T0), T0),
        (member(Status.ACTIVE, period_end=T0), T0),
        (member(Status.ACTIVE, provider="stripe", period_end=T0), T0 + GRACE),
        (member(Status.ACTIVE), None),
        (member(Status.PAST_DUE, past_due_since=T0), T0 + GRACE),
        (member(Status.CANCELED, period_end=T0), T0),
        (member(Status.EXPIRED, period_end=T0), None),
    ],
)
def test_access_ends_at(membership, ends):
    assert access_ends_at(membership, grace=GRACE) == ends


@pytest.mark.parametrize(
    ("left", "days"),
    [(14 * DAY, 14), (13 * DAY + timedelta(hours=1), 14), (timedelta(hours=3), 1), (timedelta(0), 0), (-DAY, 0)],
)
def test_trial_days_left_rounds_up(left, days):
    assert trial_days_left(member(Status.TRIALING, trial_end=T0 + left), T0) == days


def test_no_trial_days_left_off_trial():
    assert trial_days_left(member(Status.ACTIVE, trial_end=T0 + DAY, period_end=T0 + DAY), T0) == 0
