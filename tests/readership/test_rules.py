"""The read rule and the pool's sharing, as tables of data: no database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsstand.readership.rules import (
    Claim,
    Rules,
    Verdict,
    View,
    allocate,
    decide,
    is_bot,
    months_ending,
    next_month,
    parse_month,
    previous_month,
)

SERVED = datetime(2031, 2, 10, 12, 0, tzinfo=UTC)
RULES = Rules()  # 15 s dwell, half the article, scroll claims after 3 s, tokens good for 2 h, 5 s of clock skew
VIEW = View(reader=7, article=42, issued_at=SERVED)


def after(seconds: float) -> datetime:
    return SERVED + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("dwell", "scroll", "now", "verdict"),
    [
        (15.0, 0.0, after(15), Verdict.COUNTS),  # stayed 15 s, and 15 s have passed since the page was served
        (40.0, 0.1, after(3600), Verdict.COUNTS),
        (3.0, 0.5, after(3), Verdict.COUNTS),  # half the article scrolled, a few seconds on it
        (2.9, 1.0, after(60), Verdict.SHORT),  # scrolled to the end in under 3 s: a flick, not a read
        (14.9, 0.49, after(60), Verdict.SHORT),  # the browser itself says: not enough
        (15.0, 0.0, after(14), Verdict.TOO_EARLY),  # claims 15 s only 14 s after the page was served
        (60.0, 0.0, after(5), Verdict.TOO_EARLY),
        (20.0, 0.6, after(5), Verdict.COUNTS),  # the dwell is too early, the scroll claim stands on its own
        (4.0, 0.6, after(2), Verdict.TOO_EARLY),
        (15.0, 0.0, after(2 * 3600 + 1), Verdict.EXPIRED),  # a page served over two hours ago
        (15.0, 0.0, after(-6), Verdict.EXPIRED),  # a token from the future (beyond clock skew)
    ],
)
def test_a_members_claim_against_the_time_since_the_page_was_served(dwell, scroll, now, verdict):
    claim = Claim(dwell_seconds=dwell, scroll=scroll)
    assert decide(claim, reader=7, view=VIEW, member=True, bot=False, now=now, rules=RULES) == verdict


@pytest.mark.parametrize(
    ("reader", "view", "member", "bot", "verdict"),
    [
        (None, VIEW, True, False, Verdict.ANONYMOUS),
        (7, VIEW, True, True, Verdict.BOT),
        (7, VIEW, False, False, Verdict.NOT_MEMBER),
        (7, None, True, False, Verdict.BAD_TOKEN),  # forged or malformed
        (8, VIEW, True, False, Verdict.BAD_TOKEN),  # another reader's page
        (7, VIEW, True, False, Verdict.COUNTS),
    ],
)
def test_who_may_claim(reader, view, member, bot, verdict):
    claim = Claim(dwell_seconds=20, scroll=0.0)
    assert decide(claim, reader=reader, view=view, member=member, bot=bot, now=after(20), rules=RULES) == verdict


def test_the_dwell_threshold_is_a_setting():
    claim = Claim(dwell_seconds=5, scroll=0.0)
    args = {"reader": 7, "view": VIEW, "member": True, "bot": False, "now": after(5)}
    assert decide(claim, rules=Rules(dwell_seconds=5), **args) == Verdict.COUNTS
    assert decide(claim, rules=RULES, **args) == Verdict.SHORT


FRAGMENTS = ["bot", "crawl", "spider", "facebookexternalhit", "curl/"]


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("curl/8.5.0", True),
        ("", True),  # every browser sends one
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36", False),
        # The browser tests' headless Chromium reads like a member: it is not a crawler by this list.
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
            False,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari",
            False,
        ),
    ],
)
def test_bots_by_user_agent(agent, bot):
    assert is_bot(agent, FRAGMENTS) is bot


@pytest.mark.parametrize(
    ("pool", "reads", "shares"),
    [
        # 1000 * 3/7 = 428.57, 428.57, 142.86: floors 428 + 428 + 142 = 998; the two cents left go to the largest
        # remainders, .857 (third) then .571 — a tie between the first two, which goes to the earlier one.
        (1000, [3, 3, 1], [429, 428, 143]),
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [5, 5], [5, 5]),
        (7, [1], [7]),
        (1000, [0, 0], [0, 0]),  # nothing read: nothing paid
        (0, [4, 1], [0, 0]),
        # 71428.5, 107142.75, 178571.25, 249999.75, 392856.75: three cents left, to the three .75s
        (999_999, [2, 3, 5, 7, 11], [71428, 107143, 178571, 250000, 392857]),
    ],
)
def test_pool_shares_are_whole_cents_that_sum_to_the_pool(pool, reads, shares):
    assert allocate(pool, reads) == shares
    assert sum(shares) == (pool if sum(reads) else 0)


def test_months():
    feb = parse_month("2031-02")
    assert (feb.isoformat(), next_month(feb).isoformat(), previous_month(feb).isoformat()) == (
        "2031-02-01",
        "2031-03-01",
        "2031-01-01",
    )
    assert next_month(parse_month("2031-12")).isoformat() == "2032-01-01"
    assert previous_month(parse_month("2031-01")).isoformat() == "2030-12-01"
    assert [f"{m:%Y-%m}" for m in months_ending(feb, 3)] == ["2030-12", "2031-01", "2031-02"]
    with pytest.raises(ValueError):
        parse_month("2031-13")
