"""When a copy of a page goes out of date before its minute: Our Picks changed.

Pages keep a minute in the page cache (web.caching) and the article sidebar a minute in the default cache, which is
fine for the news (it may be a minute stale) but not for an editor who has just put an article in Our Picks: the
change must show at once, on the home and beside every article. So the picks have a *generation*:

- a random token, renewed whenever a pick is saved or deleted (`picks_changed`, called after the commit by the
  receivers in web.apps: the admin's add, change, reorder and delete, and the pages' "Add to Our Picks"), and
- the moments, after the token was made, at which the picks change by the clock alone (a pick starts or ends:
  editorial.selectors.pick_changes_after).

A cached page is stamped with the token current when its making began (`stamp_for`: a page during whose making
the token changed is not kept), and is good only while that is still the token and no such moment has passed
since its making began (`Generation.covers`). Random rather than
counted, so a token the cache lost (evicted, a cache cleared) is never made again by chance: a lost token makes
every page out of date once, never a stale one good.

Every page is stamped, not only those that show the picks today: a page that begins to show them needs no change
here, and picks change a few times a day, when each page asked for is made again once.

What a hit costs: the token and the moments are kept in this process too and read from the shared cache at most
once every `RECHECK` seconds, so a hit still costs one cache read (the page); the check itself is a comparison and a
look at the next moment. The price is that another process (another worker, another web node) sees a change up to
`RECHECK` seconds late; the process that made the change sees it at once. The hit path never makes a generation
(that takes a query): without one it answers as a miss, and the miss makes it once it has made a page it may keep.

Shared caches downstream (a CDN, the browser's HTTP cache) may still keep a page for its max-age: that is the
HTTP contract of a public page, which this does not change.
"""

from __future__ import annotations

import bisect
import threading
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from newsstand.core import clock
from newsstand.editorial import selectors as editorial

KEY = "web:picks-generation"  # in the default cache: small lookups, far less churn than the pages
RECHECK = 1.0  # seconds a process trusts its own copy of the generation


@dataclass(frozen=True)
class Generation:
    token: str
    changes: tuple[float, ...]  # epoch seconds when the picks change by the clock, ascending
    by_change: bool = False  # made because a pick changed (`picks_changed`), not because none was known

    def covers(self, token: str | None, made_at: float, now: float) -> bool:
        """Whether a copy made at `made_at` under `token` still shows the picks as they are at `now`."""
        if token != self.token:
            return False
        passed = bisect.bisect_right(self.changes, now)  # changes at or before now
        return passed == 0 or self.changes[passed - 1] <= made_at

    def seconds_left(self, now: float, *, at_most: float) -> float:
        """How long a copy made now stays good by the clock: until the next change, `at_most` at most."""
        upcoming = bisect.bisect_right(self.changes, now)
        if upcoming == len(self.changes):
            return at_most
        return max(0.0, min(at_most, self.changes[upcoming] - now))


_memo: tuple[float, Generation | None] = (float("-inf"), None)  # (monotonic time read, what was read)
_memo_lock = threading.Lock()


def current() -> Generation | None:
    """The generation as this process knows it (read again after `RECHECK` seconds), or None when the cache holds
    none: no query, so the page cache's hit path may call it."""
    global _memo
    read_at, known = _memo
    if time.monotonic() - read_at < RECHECK:
        return known
    known = cache.get(KEY)
    _memo = (time.monotonic(), known)
    return known


def for_render() -> Generation:
    """The generation for a part of a page being made (the article sidebar); made (one query) when the cache holds
    none."""
    known = current()
    if known is not None:
        return known
    with _memo_lock:
        made = _made(by_change=False)
        if not cache.add(KEY, made, None):
            made = cache.get(KEY) or made  # another process made one first: share it
        _remember(made)
        return made


def stamp_for(before: Generation | None) -> str | None:
    """The token to keep a page with that was made while `before` was current (read, without a query, before the
    page was made), or None when the page must not be kept: the picks changed while it was made, or may have.

    Called only for a page that may be kept, after it was made, so a request that makes no page (a feed, a 405)
    never costs the query that making a generation takes."""
    after = for_render()
    if before is None:  # none was known: good unless a pick changed since (its bump comes after its commit)
        return None if after.by_change else after.token
    return before.token if after.token == before.token else None


def picks_changed() -> None:
    """A pick was added, changed or removed (after its transaction committed): every copy stamped before is out of
    date, here at once and in other processes within `RECHECK` seconds."""
    made = _made(by_change=True)
    cache.set(KEY, made, None)
    _remember(made)


def now() -> float:
    """The time the checks above compare with: the one clock (tests move it), as epoch seconds."""
    return clock.now().timestamp()


def _made(*, by_change: bool) -> Generation:
    changes = tuple(moment.timestamp() for moment in editorial.pick_changes_after(clock.now()))
    return Generation(token=uuid.uuid4().hex, changes=changes, by_change=by_change)


def _remember(generation: Generation) -> None:
    global _memo
    _memo = (time.monotonic(), generation)


def forget() -> None:
    """Drop this process's copy (tests that clear the caches between them)."""
    global _memo
    _memo = (float("-inf"), None)
