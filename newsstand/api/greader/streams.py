"""Which of a reader's entries a Google Reader stream request asks for, as filters for subscriptions.selectors.

A request names a stream (`s`, or the path) and narrows it with exclude and include targets (`xt`, `it`: the
states read, starred and kept-unread), a time window (`ot` oldest and `nt` newest, epoch seconds, compared with
the published time), an order (`r=o`: oldest first) and a page (`n`, `c`). Every combination becomes one set of
selector filters, or "nothing" when the request contradicts itself (the read stream without read items) or names a
feed or label the reader does not have: an empty stream, not an error, as Google Reader answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.http import QueryDict

from newsstand.accounts.models import User
from newsstand.api.greader import ids
from newsstand.api.greader.ids import Stream
from newsstand.core import urls
from newsstand.subscriptions import selectors
from newsstand.subscriptions.models import Category, Subscription

_ONE_MICROSECOND = timedelta(microseconds=1)
_ONE_SECOND = timedelta(seconds=1)
# A state as a filter: the selector argument it sets and the value, when included (`it`) and when excluded (`xt`).
_STATE_FILTERS: dict[str, tuple[str, Any, Any]] = {
    "read": ("status", "read", "unread"),
    "kept-unread": ("status", "unread", "read"),
    "starred": ("starred", True, False),
}


@dataclass(slots=True)
class Filters:
    """Keyword arguments for selectors.entries / entry_ids, or `empty` when nothing can match."""

    values: dict[str, Any] = field(default_factory=dict)
    empty: bool = False

    def narrow(self, name: str, value: Any) -> None:
        """Add a condition; one that contradicts an earlier one leaves nothing to match."""
        if name in self.values and self.values[name] != value:
            self.empty = True
        self.values[name] = value


class Library:
    """The reader's subscriptions (read once per request) and categories (read when a label is named): streams
    are resolved against them and items are labelled from them."""

    def __init__(self, user: User, subscriptions: list[Subscription]) -> None:
        self.user = user
        self.subscriptions = subscriptions

    @classmethod
    def of(cls, user: User) -> Library:
        return cls(user, selectors.subscriptions(user))

    @cached_property
    def categories(self) -> list[Category]:
        return selectors.categories(self.user)

    def subscription(self, stream: Stream) -> Subscription | None:
        """The reader's subscription a feed stream names (by feed id, or by the feed's URL in any common spelling)."""
        if stream.kind == "feed":
            return next((sub for sub in self.subscriptions if sub.feed_id == stream.feed_id), None)
        if stream.kind == "feed_url":
            wanted = _comparable(stream.name)
            return next((sub for sub in self.subscriptions if _comparable(sub.feed.url) == wanted), None)
        return None

    def category(self, name: str) -> Category | None:
        folded = name.casefold()
        return next((category for category in self.categories if category.title.casefold() == folded), None)

    def by_feed(self) -> dict[int, Subscription]:
        return {sub.feed_id: sub for sub in self.subscriptions}

    def title(self, stream: Stream) -> str:
        """What a stream is called in a reply's `title`."""
        if stream.kind in ("feed", "feed_url"):
            found = self.subscription(stream)
            return found.display_title if found is not None else stream.id
        if stream.kind == "label":
            return stream.name
        return {"reading-list": "Reading list", "starred": "Starred", "read": "Read"}.get(stream.name, "Kept unread")


def _comparable(url: str) -> str:
    try:
        return urls.normalize(url).split("://", 1)[-1].removeprefix("www.").rstrip("/")
    except ValueError:
        return url


def scope(library: Library, stream: Stream) -> Filters:
    """The filters a stream alone sets: a feed, a category, a state, or everything (the reading list)."""
    filters = Filters()
    if stream.kind in ("feed", "feed_url"):
        found = library.subscription(stream)
        if found is None:
            filters.empty = True
        else:
            filters.narrow("feed_id", found.feed_id)
    elif stream.kind == "label":
        category = library.category(stream.name)
        if category is None:
            filters.empty = True
        else:
            filters.narrow("category_id", category.pk)
    elif stream.name != "reading-list":
        name, included, _ = _STATE_FILTERS[stream.name]
        filters.narrow(name, included)
    return filters


def states(values: list[str]) -> set[str]:
    """The states among tags (`a`, `r`, `xt`, `it`), in any user form; labels and states we do not keep are
    left out (an edit that adds a label changes nothing here)."""
    found = set()
    for value in values:
        try:
            stream = ids.parse_stream(value)
        except ids.BadId:
            continue
        if stream.kind == "state":
            found.add(stream.name)
    return found


def filters_for(library: Library, stream: Stream, params: QueryDict | Mapping[str, Any]) -> Filters:
    """The stream narrowed by the request's `xt`, `it`, `ot`, `nt` and `r` (see the module docstring)."""
    filters = scope(library, stream)
    getlist = params.getlist if isinstance(params, QueryDict) else lambda name: [params[name]] if name in params else []
    excluded = states(getlist("xt"))
    if "reading-list" in excluded:
        filters.empty = True
    for state in excluded - {"reading-list"}:
        name, _, value = _STATE_FILTERS[state]
        filters.narrow(name, value)
    for state in states(getlist("it")) - {"reading-list"}:
        name, value, _ = _STATE_FILTERS[state]
        filters.narrow(name, value)
    oldest = ids.parse_seconds(params.get("ot"))
    newest = ids.parse_seconds(params.get("nt"))
    if oldest is not None:
        filters.values["after"] = _just_before(oldest)
    if newest is not None:
        filters.values["before"] = _just_after(newest)
    filters.values["direction"] = "asc" if params.get("r") == "o" else "desc"
    return filters


def _just_before(moment: datetime) -> datetime:
    """`ot` includes items published at that second; the selector's `after` is exclusive."""
    return moment.replace(microsecond=0) - _ONE_MICROSECOND


def _just_after(moment: datetime) -> datetime:
    """`nt` includes items published within that second; the selector's `before` is exclusive."""
    return moment.replace(microsecond=0) + _ONE_SECOND


@dataclass(frozen=True, slots=True)
class Page:
    ids: list[tuple[int, datetime]]  # (article id, published_at), in the stream's order
    continuation: str | None  # what to send as `c` for the next page; None on the last


def page(user: User, filters: Filters, *, count: int, continuation: str | None) -> Page:
    """One page of the stream's item ids: one more is read than asked for, to know whether a next page exists."""
    offset = ids.parse_continuation(continuation) if continuation else 0
    if filters.empty:
        return Page([], None)
    rows = selectors.entry_ids(user, **filters.values, limit=count + 1, offset=offset)
    more = len(rows) > count
    return Page(rows[:count], ids.continuation(offset + count) if more else None)


def entries(user: User, article_ids: list[int], *, direction: str = "desc") -> list[selectors.Entry]:
    """The reader's entries among `article_ids` (others are left out), in the stream's order."""
    if not article_ids:
        return []
    return selectors.entries(user, ids=article_ids, direction=direction, limit=len(article_ids), with_total=False).items
