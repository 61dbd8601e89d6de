"""Decisions about reads, as pure functions of data and time: no database, no clock, no settings.

`decide` says whether a claim from an article page counts as a read; `allocate` shares a month's pool among
publishers by their reads. Both are tested as tables of data (tests/readership/test_rules.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Verdict(StrEnum):
    COUNTS = "counts"
    ANONYMOUS = "anonymous"
    BOT = "bot"
    NOT_MEMBER = "not_member"
    BAD_TOKEN = "bad_token"  # forged, another reader's, or for an article that is gone
    EXPIRED = "expired"  # the page was served too long ago (or claims to be from the future)
    SHORT = "short"  # the browser itself reports too little dwell and too little scroll
    TOO_EARLY = "too_early"  # the claim says enough, but the page was served too recently for it to be true


@dataclass(frozen=True)
class Claim:
    """What the page's script reports: seconds the page was visible and the furthest share scrolled (0–1)."""

    dwell_seconds: float
    scroll: float


@dataclass(frozen=True)
class View:
    """What the signed view token says: who was served which article, when (the server's clock)."""

    reader: int
    article: int
    issued_at: datetime


@dataclass(frozen=True)
class Rules:
    dwell_seconds: float = 15.0
    scroll_fraction: float = 0.5
    # Scrolling half an article counts only after a few seconds on it: a flick to the bottom is not reading.
    scroll_min_seconds: float = 3.0
    token_max_age: timedelta = timedelta(hours=2)
    # The web node that checks may run a little behind the one that served the page.
    clock_skew: timedelta = timedelta(seconds=5)


def decide(
    claim: Claim,
    *,
    reader: int | None,
    view: View | None,
    member: bool,
    bot: bool,
    now: datetime,
    rules: Rules,
) -> Verdict:
    """Does this claim count as a read? The browser's figures are believed only as far as the server's own clock
    allows: a claimed dwell needs that much time since the page was served, a scroll claim a few seconds."""
    if reader is None:
        return Verdict.ANONYMOUS
    if bot:
        return Verdict.BOT
    if not member:
        return Verdict.NOT_MEMBER
    if view is None or view.reader != reader:
        return Verdict.BAD_TOKEN
    elapsed = (now - view.issued_at).total_seconds()
    if elapsed < -rules.clock_skew.total_seconds() or elapsed > rules.token_max_age.total_seconds():
        return Verdict.EXPIRED
    by_dwell = claim.dwell_seconds >= rules.dwell_seconds
    by_scroll = claim.scroll >= rules.scroll_fraction and claim.dwell_seconds >= rules.scroll_min_seconds
    if not (by_dwell or by_scroll):
        return Verdict.SHORT
    if (by_dwell and elapsed >= rules.dwell_seconds) or (by_scroll and elapsed >= rules.scroll_min_seconds):
        return Verdict.COUNTS
    return Verdict.TOO_EARLY


def is_bot(user_agent: str, fragments: Iterable[str]) -> bool:
    """A crawler by its User-Agent (any fragment, any case); no User-Agent at all is no browser either."""
    agent = user_agent.strip().lower()
    return not agent or any(fragment.lower() in agent for fragment in fragments if fragment)


def allocate(pool_cents: int, reads: Sequence[int]) -> list[int]:
    """Share `pool_cents` in proportion to `reads`, in whole cents that sum exactly to the pool.

    Largest remainder (Hamilton): each gets the floor of its exact share, then the cents left over go one each to
    the largest fractional remainders; equal remainders go to the earlier entry (callers order by reads, then
    name). No reads at all: nobody gets anything (the pool is not paid out)."""
    total = sum(reads)
    if total <= 0 or pool_cents <= 0:
        return [0] * len(reads)
    shares = [pool_cents * count // total for count in reads]
    remainders = [pool_cents * count % total for count in reads]
    left = pool_cents - sum(shares)
    for index in sorted(range(len(reads)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


def parse_month(raw: str) -> date:
    """`YYYY-MM` → the first day of that month; ValueError otherwise."""
    parsed = datetime.strptime(raw.strip(), "%Y-%m")
    return date(parsed.year, parsed.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def months_ending(month: date, count: int) -> list[date]:
    """The `count` months up to and including `month`, oldest first."""
    found = [month.replace(day=1)]
    while len(found) < count:
        found.append(previous_month(found[-1]))
    return found[::-1]
