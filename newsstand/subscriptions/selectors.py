"""Reads for subscriptions: a reader's feeds and categories, and the entries of their feeds as every reader-app API
lists them (newsstand.api.*: Miniflux, Google Reader, Fever, REST).

An entry is an article of a subscribed feed, listed once however many of the reader's feeds sighted it, under the
lowest-numbered of them: its id (the article's) is then one per article and its feed is stable, which the
protocols need (Google Reader item ids never shared between feeds; newsboat keys its cache on the id).

Read and unread: an entry is unread while the reader has its row in UnreadEntry (models; the definition and its
upkeep are in `unread`). The backlog counts as read: entries published before a subscription's `unread_since`
(NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS before it was made, 30 by default) are listed like any other but are never
unread and never in unread counts, unless the reader marks one unread. An entry several subscribed feeds sighted
is unread if it is recent enough for any of those subscriptions.

What it costs (bench/subscriptions.py fills 300k articles of 400 feeds; bench/RESULTS.md has the numbers on SQLite
and PostgreSQL, before and after): everything about unread entries (an unread page, its total, unread ids, unread
counts) is a range of the unread rows' indexes ((user, published_at, article) and (user, feed, published_at)), so
it costs what it returns, however many entries the reader has read or has in all. The other lists are one
statement whose filters are semi- and anti-joins over indexed tables (a sighting by a subscribed feed:
articles_articlefeed's (article, feed) and feed indexes; stars: their (user, article) unique index); the page's
rows are chosen first (ids only) and only those rows get their feed, read and starred columns, each a lookup on a
unique index, in the same statement. Totals of every entry (not only unread ones) are a second statement that
counts sightings one per article, and grow with the reader's entries (tens of milliseconds at 50k entries); skip
them with `with_total=False`. Nothing is read per entry in Python.

`search` matches headline and standfirst (case-insensitive substring, as Miniflux's search is used by apps: a word
or two). It is scoped to the reader's own entries, never the site's search index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from newsstand.accounts.models import User
from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.reading.models import SavedArticle
from newsstand.subscriptions.models import DEFAULT_CATEGORY, Category, Subscription, UnreadEntry

ORDERS = ("published_at", "id")
DIRECTIONS = ("asc", "desc")
STATUSES = ("read", "unread")
MAX_LIMIT = 1000  # the most entries one call returns, whatever the caller asks


@dataclass(frozen=True, slots=True)
class Entry:
    article: Article  # publisher joined; `text` (the plain body) deferred
    feed_id: int  # the lowest-numbered subscribed feed that sighted it
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class EntryPage:
    items: list[Entry]
    total: int | None  # every entry the filters match, beyond the page; None when not asked for


def categories(user: User) -> list[Category]:
    """The reader's categories, the default one first (made here on first need), then by title."""
    default_category(user)
    return list(Category.objects.filter(user=user).order_by("-default", "title", "id"))


def default_category(user: User) -> Category:
    """The category subscriptions go to unless put elsewhere, made the first time it is needed."""
    found = Category.objects.filter(user=user, default=True).first()
    if found is not None:
        return found
    with transaction.atomic():
        title = DEFAULT_CATEGORY
        # A reader may have made a category named like the default before it existed: make that one the default.
        existing = Category.objects.select_for_update().filter(user=user, title__iexact=title).first()
        if existing is not None:
            existing.default = True
            existing.save(update_fields=["default"])
            return existing
        # The binding reads have no `now`: when the default was first needed is all this records.
        category, _ = Category.objects.get_or_create(
            user=user, default=True, defaults={"title": title, "created_at": clock.now()}
        )
        return category


def subscriptions(user: User) -> list[Subscription]:
    """The reader's subscriptions with feed, publisher and category joined (for `display_title`), by title."""
    rows = Subscription.objects.filter(user=user).select_related("feed__publisher", "category").order_by("id")
    return sorted(rows, key=lambda sub: (sub.display_title.casefold(), sub.pk))


def subscription(user: User, subscription_id: int) -> Subscription | None:
    return (
        Subscription.objects.filter(user=user, pk=subscription_id).select_related("feed__publisher", "category").first()
    )


def _subscribed_feeds(user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).values("feed_id")


def _subscribed_sightings(user: User, *, key: str = "pk") -> QuerySet[ArticleFeed]:
    """The reader's subscribed feeds' sightings of the outer query's article. The subscription is looked up per
    sighting (its (user, feed) unique index), not as an IN list: SQLite would probe the article's sightings once
    per subscribed feed."""
    return ArticleFeed.objects.filter(
        Exists(Subscription.objects.filter(user=user, feed_id=OuterRef("feed_id"))), article_id=OuterRef(key)
    )


def _listed_under(user: User) -> Subquery:
    """The feed an entry is listed under: the lowest-numbered subscribed feed that sighted it."""
    return Subquery(_subscribed_sightings(user).order_by("feed_id").values("feed_id")[:1])


def _is_unread(user: User, *, key: str = "pk") -> Exists:
    return Exists(UnreadEntry.objects.filter(user=user, article_id=OuterRef(key)))


def _unread_rows(user: User, *, feed_id: int | None, category_id: int | None) -> QuerySet[UnreadEntry]:
    """The reader's unread rows, in the scope asked for: each row's feed is the one its entry is listed under."""
    rows = UnreadEntry.objects.filter(user=user)
    if feed_id is not None:
        rows = rows.filter(feed_id=feed_id)
    if category_id is not None:
        rows = rows.filter(
            feed_id__in=Subscription.objects.filter(user=user, category_id=category_id).values("feed_id")
        )
    return rows


def _is_starred(user: User, *, key: str = "pk") -> Exists:
    return Exists(SavedArticle.objects.filter(user=user, article_id=OuterRef(key)))


def _entry_sightings(user: User, *, feed_id: int | None, category_id: int | None) -> QuerySet[ArticleFeed]:
    """One sighting per entry: the sighting by the feed the entry is listed under (a subscribed feed, in the
    scope asked for, with no lower-numbered subscribed feed sighting the same article). Written as a semi-join
    and an anti-join on articles_articlefeed's indexes, which the planner turns into hash or index plans as the
    numbers say, never a subquery evaluated per article."""
    scope = Subscription.objects.filter(user=user)
    if feed_id is not None:
        scope = scope.filter(feed_id=feed_id)
    if category_id is not None:
        scope = scope.filter(category_id=category_id)
    lower = _subscribed_sightings(user, key="article_id").filter(feed_id__lt=OuterRef("feed_id"))
    return ArticleFeed.objects.filter(feed_id__in=scope.values("feed_id")).exclude(Exists(lower))


def _narrowed(
    rows: QuerySet[Any],
    user: User,
    *,
    key: str,
    status: str | None,
    starred: bool | None,
    after_id: int | None,
    before_id: int | None,
    ids: Iterable[int] | None,
) -> QuerySet[Any]:
    """The filters that need only the article's id (`key`: "pk" on articles, "article_id" on sightings)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
    if ids is not None:
        rows = rows.filter(**{f"{key}__in": list(ids)})
    if status == "read":
        rows = rows.exclude(_is_unread(user, key=key))
    elif status == "unread":
        rows = rows.filter(_is_unread(user, key=key))
    if starred is not None:
        rows = rows.filter(_is_starred(user, key=key)) if starred else rows.exclude(_is_starred(user, key=key))
    if after_id is not None:
        rows = rows.filter(**{f"{key}__gt": after_id})
    if before_id is not None:
        rows = rows.filter(**{f"{key}__lt": before_id})
    return rows


def matching(
    user: User,
    *,
    feed_id: int | None = None,
    category_id: int | None = None,
    status: str | None = None,
    starred: bool | None = None,
    after: datetime | None = None,
    before: datetime | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    search: str | None = None,
    ids: Iterable[int] | None = None,
) -> QuerySet[Article]:
    """The reader's entries matching the filters, as a queryset of articles (unordered): what `entries` pages and
    what services mark read or star, so both choose the same articles. `after`/`before` bound `published_at` and
    `after_id`/`before_id` the id (all exclusive); `ids` keeps only those articles (ids outside the reader's
    entries are left out); `search` as in the module docstring."""
    if status == "unread":  # the unread rows are the reader's unread entries, already scoped and listed
        rows = _unread_rows(user, feed_id=feed_id, category_id=category_id)
        articles = Article.objects.filter(pk__in=rows.values("article_id"))
        status = None
    elif feed_id is None and category_id is None:
        # Any subscribed sighting will do. A correlated semi-join: pages walk the articles' (published_at) or
        # primary key index and stop at the page's end, which is soon for a reader of many feeds.
        articles = Article.objects.filter(Exists(_subscribed_sightings(user)))
    else:
        # One feed or one category: its sightings first (their feed index), then their articles, so a quiet
        # feed's page costs its own entries, not a walk over every article for the few that are its.
        entry_sightings = _entry_sightings(user, feed_id=feed_id, category_id=category_id)
        articles = Article.objects.filter(pk__in=entry_sightings.values("article_id"))
    articles = _narrowed(
        articles, user, key="pk", status=status, starred=starred, after_id=after_id, before_id=before_id, ids=ids
    )
    if after is not None:
        articles = articles.filter(published_at__gt=after)
    if before is not None:
        articles = articles.filter(published_at__lt=before)
    if search and search.strip():
        words = search.strip()
        articles = articles.filter(Q(title__icontains=words) | Q(summary__icontains=words))
    return articles


def _unread_matching(user: User, **filters: Unpack[Filters]) -> QuerySet[UnreadEntry]:
    """`matching(status="unread", ...)` as the reader's unread rows: pages, totals and id lists of unread entries
    are ranges of these rows' indexes, never a walk over every entry."""
    rows = _unread_rows(user, feed_id=filters.get("feed_id"), category_id=filters.get("category_id"))
    rows = _narrowed(
        rows,
        user,
        key="article_id",
        status=None,
        starred=filters.get("starred"),
        after_id=filters.get("after_id"),
        before_id=filters.get("before_id"),
        ids=filters.get("ids"),
    )
    if filters.get("after") is not None:
        rows = rows.filter(published_at__gt=filters["after"])
    if filters.get("before") is not None:
        rows = rows.filter(published_at__lt=filters["before"])
    search = filters.get("search")
    if search and search.strip():
        words = search.strip()
        rows = rows.filter(Q(article__title__icontains=words) | Q(article__summary__icontains=words))
    return rows


def count(user: User, **filters: Unpack[Filters]) -> int:
    """How many entries match: unread ones counted on their rows; others on the sightings alone unless a filter
    needs the article's own columns (time bounds, search), so a count over tens of thousands of entries never reads
    the wide article rows: distinct articles of the subscribed feeds' sightings, or, for one feed or category, the
    sightings entries are listed under (`_entry_sightings`)."""
    _check_status(filters.get("status"))
    if filters.get("status") == "unread":
        return _unread_matching(user, **filters).count()
    if any(filters.get(name) for name in ("after", "before", "search")):
        return matching(user, **filters).count()
    feed_id, category_id = filters.get("feed_id"), filters.get("category_id")
    if feed_id is None and category_id is None:
        sightings = ArticleFeed.objects.filter(feed_id__in=_subscribed_feeds(user))
        distinct = True
    else:
        sightings = _entry_sightings(user, feed_id=feed_id, category_id=category_id)
        distinct = False
    narrowed = _narrowed(
        sightings,
        user,
        key="article_id",
        status=filters.get("status"),
        starred=filters.get("starred"),
        after_id=filters.get("after_id"),
        before_id=filters.get("before_id"),
        ids=filters.get("ids"),
    )
    return narrowed.aggregate(n=Count("article_id", distinct=distinct))["n"]


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {status!r}")


def _ordering(order: str, direction: str, *, key: str = "id") -> tuple[str, ...]:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    sign = "-" if direction == "desc" else ""
    return (f"{sign}published_at", f"{sign}{key}") if order == "published_at" else (f"{sign}{key}",)


class Filters(TypedDict, total=False):
    """What narrows a reader's entries (`matching`); every key optional."""

    feed_id: int | None
    category_id: int | None
    status: str | None
    starred: bool | None
    after: datetime | None
    before: datetime | None
    after_id: int | None
    before_id: int | None
    search: str | None
    ids: Iterable[int] | None


def _ordered(user: User, *, order: str, direction: str, filters: Filters) -> tuple[QuerySet[Any], str]:
    """The matching entries in order, and the name of their article id: the unread rows for unread entries, the
    articles otherwise."""
    _check_status(filters.get("status"))
    if filters.get("status") == "unread":
        rows = _unread_matching(user, **filters)
        return rows.order_by(*_ordering(order, direction, key="article_id")), "article_id"
    return matching(user, **filters).order_by(*_ordering(order, direction)), "pk"


def entries(
    user: User,
    *,
    order: str = "published_at",
    direction: str = "desc",
    limit: int = 100,
    offset: int = 0,
    with_total: bool = True,
    **filters: Unpack[Filters],
) -> EntryPage:
    """A page of the reader's entries matching `filters` (see `matching`). `limit` is capped at MAX_LIMIT. Raises
    ValueError for an unknown status, order or direction."""
    if filters.get("ids") is not None:
        filters["ids"] = list(filters["ids"])  # read twice: the page and the total
    ordering = _ordering(order, direction)
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    chosen, key = _ordered(user, order=order, direction=direction, filters=filters)
    rows = (
        Article.objects.filter(pk__in=chosen.values(key)[offset : offset + limit])
        .select_related("publisher")
        .defer("text")
        .annotate(entry_feed_id=_listed_under(user), entry_unread=_is_unread(user), entry_starred=_is_starred(user))
        .order_by(*ordering)
    )
    items = [
        Entry(article=row, feed_id=row.entry_feed_id, read=not row.entry_unread, starred=bool(row.entry_starred))
        for row in (rows if limit else [])
    ]
    total = count(user, **filters) if with_total else None
    return EntryPage(items=items, total=total)


def entry(user: User, article_id: int) -> Entry | None:
    """One of the reader's entries, or None when the article is not listed in their subscriptions."""
    found = entries(user, ids=[article_id], limit=1, with_total=False).items
    return found[0] if found else None


def entry_ids(
    user: User,
    *,
    order: str = "published_at",
    direction: str = "desc",
    limit: int = 1000,
    offset: int = 0,
    **filters: Unpack[Filters],
) -> list[tuple[int, datetime]]:
    """(id, published_at) of the reader's entries, filtered and ordered as `entries`, for the id-list calls
    (Google Reader stream items ids, Fever unread/saved ids). `limit` is not capped here: the caller bounds it."""
    chosen, key = _ordered(user, order=order, direction=direction, filters=filters)
    offset = max(0, offset)
    return list(chosen.values_list(key, "published_at")[offset : offset + limit])


def unread_counts(user: User) -> dict[int, tuple[int, datetime | None]]:
    """Per subscribed feed that has articles: (unread entries listed under it, the newest publication time among
    its articles, whichever feed an article is listed under). One statement: a count over the unread rows' (user,
    feed) index range per subscription."""
    unread = (
        UnreadEntry.objects.filter(user=user, feed_id=OuterRef("feed_id"))
        .order_by()
        .values("feed_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Subscription.objects.filter(user=user)
        .annotate(unread=Subquery(unread))
        .values_list("feed_id", "unread", "newest_at")
    )
    return {feed: (n or 0, newest) for feed, n, newest in rows if n or newest is not None}
