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
and PostgreSQL, before and after). Everything about unread entries (an unread page, its total, unread ids, unread
counts) is a range of the unread rows' indexes ((user, published_at, article) and (user, feed, published_at)), so
it costs what it returns, however many entries the reader has read or has in all. Every other list is one
statement that chooses the page's ids first, then gives only those rows their feed, read and starred columns
(each a lookup on a unique index), by one of two paths:
- one feed, or a category of at most SMALL_CATEGORY feeds: their sightings in order, a range of the sightings'
  (feed, published_at, article) index (articles.ArticleFeed carries its article's publication time for this), so a
  quiet feed's page costs its own entries;
- every feed of the reader, or a larger category: the articles newest first (or by id), each kept if a subscribed
  feed sighted it, which stops at the page's end, soon for a reader of many feeds. A reader of only a few quiet
  feeds walks further; their page is still the slowest list here.
A subscribed sighting is looked up per sighting on the subscriptions' (user, feed) unique index, never as an IN
list (SQLite probed an article's sightings once per subscribed feed). Totals of every entry, not only unread ones,
are a second statement over the sightings alone (distinct articles; for one feed or category, the sightings the
entries are listed under), which grows with the reader's entries: tens of milliseconds at 50k entries; skip them
with `with_total=False`. Nothing is read per entry in Python.

`search` matches headline and standfirst (case-insensitive substring, as Miniflux's search is used by apps: a word
or two). It is scoped to the reader's own entries, never the site's search index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from newsstand.accounts.models import User
from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.reading.models import SavedArticle
from newsstand.subscriptions.models import DEFAULT_CATEGORY, Category, Subscription, UnreadEntry

ORDERS = ("published_at", "id")
DIRECTIONS = ("asc", "desc")
STATUSES = ("read", "unread")
MAX_LIMIT = 1000  # the most entries one call returns, whatever the caller asks
SMALL_CATEGORY = 8  # feeds: a category of at most this many is listed from their sightings (`_from_sightings`)


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
    entries are left out); `search` as in the module docstring. Counted (`.count()`), it reads the entries' ids
    from their sightings, never every article (Fever's total)."""
    return _articles(
        user,
        Filters(
            feed_id=feed_id,
            category_id=category_id,
            status=status,
            starred=starred,
            after=after,
            before=before,
            after_id=after_id,
            before_id=before_id,
            search=search,
            ids=ids,
        ),
        walk=ids is not None,  # a few given articles: each looked up, not the reader's every entry
    )


def _articles(user: User, filters: Filters, *, walk: bool) -> QuerySet[Article]:
    """`matching`'s articles. `walk`: as a correlated semi-join, for a page that walks the articles' published_at
    or primary key index and stops at its end (soon, for a reader of many feeds); otherwise as the set of the
    entries' ids (`pk IN (…)`), which a count or a short list of ids reads without visiting every article."""
    feed_id, category_id, status = filters.get("feed_id"), filters.get("category_id"), filters.get("status")
    _check_status(status)
    if status == "unread":  # the unread rows are the reader's unread entries, already scoped and listed
        rows = _unread_rows(user, feed_id=feed_id, category_id=category_id)
        articles = Article.objects.filter(pk__in=rows.values("article_id"))
        status = None
    elif feed_id is None and category_id is None:  # any subscribed sighting will do
        if walk:
            articles = Article.objects.filter(Exists(_subscribed_sightings(user)))
        else:
            sighted = ArticleFeed.objects.filter(feed_id__in=_subscribed_feeds(user)).values("article_id")
            articles = Article.objects.filter(pk__in=sighted)
    else:
        entry_sightings = _entry_sightings(user, feed_id=feed_id, category_id=category_id)
        if walk:
            articles = Article.objects.filter(Exists(entry_sightings.filter(article_id=OuterRef("pk"))))
        else:
            articles = Article.objects.filter(pk__in=entry_sightings.values("article_id"))
    after, before, search = filters.get("after"), filters.get("before"), filters.get("search")
    starred, after_id, before_id, ids = (filters.get(k) for k in ("starred", "after_id", "before_id", "ids"))
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
    rows = _by_filters(rows, user, filters, status=None)
    rows = _bounded(rows, filters)
    search = filters.get("search")
    if search and search.strip():
        words = search.strip()
        rows = rows.filter(Q(article__title__icontains=words) | Q(article__summary__icontains=words))
    return rows


def count(user: User, **filters: Unpack[Filters]) -> int:
    """How many entries match, never reading the wide article rows unless a search needs them: unread ones
    counted on their rows; for one feed or category, the sightings entries are listed under (`_entry_rows`);
    for all the reader's feeds, the distinct articles of their sightings."""
    _check_status(filters.get("status"))
    if filters.get("status") == "unread":
        return _unread_matching(user, **filters).count()
    if filters.get("search"):
        return matching(user, **filters).count()
    if filters.get("feed_id") is not None or filters.get("category_id") is not None:
        return _entry_rows(user, filters).count()
    sightings = _bounded(ArticleFeed.objects.filter(feed_id__in=_subscribed_feeds(user)), filters)
    narrowed = _by_filters(sightings, user, filters, status=filters.get("status"))
    return narrowed.aggregate(n=Count("article_id", distinct=True))["n"]


def _bounded(rows: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    """Rows with a `published_at` (sightings, unread rows) within the filters' time bounds."""
    if filters.get("after") is not None:
        rows = rows.filter(published_at__gt=filters["after"])
    if filters.get("before") is not None:
        rows = rows.filter(published_at__lt=filters["before"])
    return rows


def _entry_rows(user: User, filters: Filters) -> QuerySet[ArticleFeed]:
    """One sighting per entry of one feed or category (`_entry_sightings`), narrowed by every filter but search:
    each carries its article's publication time, so these entries in order are ranges of the sightings' (feed,
    published_at) index."""
    rows = _entry_sightings(user, feed_id=filters.get("feed_id"), category_id=filters.get("category_id"))
    return _by_filters(_bounded(rows, filters), user, filters, status=filters.get("status"))


def _by_filters(rows: QuerySet[Any], user: User, filters: Filters, *, status: str | None) -> QuerySet[Any]:
    """`_narrowed` with the filters' own values, on rows that name their article `article_id`."""
    return _narrowed(
        rows,
        user,
        key="article_id",
        status=status,
        starred=filters.get("starred"),
        after_id=filters.get("after_id"),
        before_id=filters.get("before_id"),
        ids=filters.get("ids"),
    )


def _from_sightings(user: User, filters: Filters) -> bool:
    """Whether a list is read from its feeds' sightings (one feed, or a category of a few feeds: their index
    ranges hold the page) rather than by walking every article newest first until the page is full (a reader's
    every feed, or a large category: their entries are dense among all articles, so the walk stops soon)."""
    if filters.get("search"):
        return False
    if filters.get("feed_id") is not None:
        return True
    category_id = filters.get("category_id")
    return (
        category_id is not None
        and Subscription.objects.filter(user=user, category_id=category_id).count() <= SMALL_CATEGORY
    )


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
    if _from_sightings(user, filters):
        return _entry_rows(user, filters).order_by(*_ordering(order, direction, key="article_id")), "article_id"
    return _articles(user, filters, walk=True).order_by(*_ordering(order, direction)), "pk"


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
    # The times are read as text and parsed by the standard library (0.3 µs a row) instead of by Django's and
    # psycopg's converters (5-8 µs a row in Python): a Fever client asks for every unread id, tens of thousands.
    texts = chosen.annotate(published_text=_utc_text("published_at")).values_list(key, "published_text")
    return [(pk, datetime.fromisoformat(f"{text}+00:00")) for pk, text in texts[offset : offset + limit]]


def entry_id_list(
    user: User,
    *,
    order: str = "published_at",
    direction: str = "desc",
    limit: int = 1000,
    offset: int = 0,
    **filters: Unpack[Filters],
) -> list[int]:
    """The ids alone of `entry_ids` (Fever's id lists: every unread or saved id, tens of thousands, no times)."""
    chosen, key = _ordered(user, order=order, direction=direction, filters=filters)
    offset = max(0, offset)
    return list(chosen.values_list(key, flat=True)[offset : offset + limit])


def _utc_text(name: str) -> Func:
    """A time column as ISO text in UTC without an offset: SQLite stores it so; PostgreSQL is told the format,
    whatever the server's DateStyle."""
    if connection.vendor == "postgresql":
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return Func(F(name), template=template, output_field=TextField())
    return Cast(name, TextField())


def unread_counts(user: User) -> dict[int, tuple[int, datetime | None]]:
    """Per subscribed feed that has articles: (unread entries listed under it, the newest publication time among
    its articles, whichever feed an article is listed under). One statement: per subscription, a count over the
    unread rows' (user, feed) index range and the last entry of the sightings' (feed, published_at) index."""
    unread = (
        UnreadEntry.objects.filter(user=user, feed_id=OuterRef("feed_id"))
        .order_by()
        .values("feed_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    newest = ArticleFeed.objects.filter(feed_id=OuterRef("feed_id")).order_by("-published_at").values("published_at")
    rows = (
        Subscription.objects.filter(user=user)
        .annotate(unread=Subquery(unread), newest=Subquery(newest[:1]))
        .values_list("feed_id", "unread", "newest")
    )
    return {feed: (n or 0, latest) for feed, n, latest in rows if n or latest is not None}
