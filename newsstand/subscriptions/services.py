"""Writes for subscriptions: subscribe (to the catalogue, or as a member to a private source), categories, read
state and stars. Every interface (the account pages, each reader-app API, the REST API) calls these.

Subscribing to a URL:
1. A feed in the catalogue at that URL (compared without scheme, "www." or a trailing slash), or the one feed of a
   publisher whose homepage it is: anyone signed in subscribes to it.
2. Otherwise only a member (membership.paywall says member, trial included) may add a source. The address must
   pass the crawler's SSRF rule (sources.private.check_url), then it is discovered like `newsstand add-feed` does
   (the URL itself, a feed its page advertises, or a usual feed path; fetched by the crawler's guarded Fetcher),
   and the feed found is subscribed to: a catalogue feed if we have it, else a private source
   (sources.private.add_private_feed), seen only by its subscribers until staff promote it.

Caps per reader (README, "Reader apps"): NEWSSTAND_SUBSCRIPTIONS_MAX subscriptions (and as many categories), of which
NEWSSTAND_PRIVATE_SOURCES_MAX private sources. A reader's subscription changes take a lock on their user row, so
two requests at once cannot pass a cap together.

The backlog: a new subscription's `unread_since` is NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS before it, and entries
published earlier count as read (listed, never unread) unless the reader marks one unread, as Google Reader and
Feedly do: subscribing to a feed with years of articles brings a month of unread ones, not thousands.

Read state is written set-wise (INSERT … SELECT … ON CONFLICT over the chosen entries, on SQLite and PostgreSQL
alike) so that "mark this feed read" costs two statements whatever the feed holds; the rows of unread entries
(models.UnreadEntry) change with every subscription, mark and delivered article, through `unread`.

Private sources nobody reads are not fetched: when the last subscriber of a private source leaves (unsubscribing or
deleting their account), the feed is made inactive with the code "no_subscribers" on it, and the next subscriber
makes it active and due at once. A feed staff made inactive for another reason, and a promoted (catalogue) feed,
are left as they are. Both take the feed's row lock, as delivering its new articles does (`deliver`), so a
subscription made while the crawler stores the feed's articles misses none of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from newsstand.accounts.models import User
from newsstand.core.urls import is_http_url
from newsstand.ingest.discovery import FeedNotFound, FoundFeed, find_feed
from newsstand.membership import paywall
from newsstand.reading import services as reading
from newsstand.reading.models import SavedArticle
from newsstand.sources import private
from newsstand.sources.models import Feed, FeedStatus
from newsstand.subscriptions import selectors, unread
from newsstand.subscriptions.errors import SubscriptionError
from newsstand.subscriptions.models import Category, ReadState, Subscription, UnreadEntry

MAX_URL_LENGTH = 2000
TITLE_MAX = 500
CATEGORY_TITLE_MAX = 200


# -- subscribing -------------------------------------------------------------------------------------------------


def may_add_sources(user: User, *, now: datetime) -> bool:
    """Whether the reader may add a source the site does not carry: members only, decided as the pages decide
    access (membership.paywall), so a trial counts and a lapsed membership does not."""
    return paywall.decide(paywall.reader_for(user), None, now).why == paywall.Why.MEMBER


def subscribe(
    user: User, url: str, *, category: Category | None = None, title: str = "", now: datetime
) -> Subscription:
    """Subscribe the reader to the feed at `url` (see the module docstring for which feed). Raises
    SubscriptionError: invalid_url, not_found (another reader's category), duplicate, cap_reached, not_allowed
    (a non-member and a URL not in the catalogue), refused_address, not_a_feed."""
    url = (url or "").strip()
    if not is_http_url(url) or len(url) > MAX_URL_LENGTH:
        raise SubscriptionError("invalid_url", "Give the address of a feed or a site, starting with https://.")
    if category is not None and category.user_id != user.pk:
        raise SubscriptionError("not_found", "There is no such category.")
    _check_total_cap(user)
    feed = catalogue_feed(url) or _private_source(user, url, now=now)
    return _subscribe_to(user, feed, category=category, title=title, now=now)


def subscribe_to_feed(
    user: User, feed: Feed, *, category: Category | None = None, title: str = "", now: datetime
) -> Subscription:
    """Subscribe the reader to a feed already stored (an OPML import of catalogue feeds, the site's own pages).
    A private feed follows the same rule as by URL: members only, within their cap."""
    if feed.private and not may_add_sources(user, now=now):
        raise SubscriptionError("not_allowed", _MEMBERS_ONLY)
    _check_total_cap(user)
    return _subscribe_to(user, feed, category=category, title=title, now=now)


_MEMBERS_ONLY = (
    "That feed is not in Newsstand's catalogue. Members can add feeds of their own; become a member to add it."
)


def _url_variants(url: str) -> list[str]:
    """The URL as given, and the same address under the other scheme, with or without "www." and a trailing
    slash: the spellings one feed is commonly given by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    bare = host.removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    paths = {parts.path or "/", (parts.path or "/").rstrip("/") or "/", (parts.path.rstrip("/") + "/")}
    variants = [url]
    for scheme in ("https", "http"):
        for name in (bare, f"www.{bare}"):
            for path in sorted(paths):
                variants.append(urlunsplit((scheme, name + port, path, parts.query, "")))
    return list(dict.fromkeys(variants))


def catalogue_feed(url: str) -> Feed | None:
    """The catalogue feed (not a private source) `url` names: the feed at that address, or the only feed (or the
    only one without a section) of the publisher whose homepage it is. No network: indexed lookups only."""
    if not is_http_url(url):
        return None
    try:
        variants = _url_variants(url)
    except ValueError:  # a port out of range
        return None
    feeds = {feed.url: feed for feed in Feed.objects.filter(url__in=variants, private=False)}
    for variant in variants:  # the spelling given first, then https before http
        if variant in feeds:
            return feeds[variant]
    homes = list(
        Feed.objects.filter(publisher__homepage__in=variants, publisher__private=False, private=False, active=True)
    )
    if len(homes) == 1:
        return homes[0]
    main = [feed for feed in homes if not feed.section]
    return main[0] if len(main) == 1 else None


def _private_source(user: User, url: str, *, now: datetime) -> Feed:
    """The feed a member adds that the catalogue lacks (module docstring, step 2)."""
    if not may_add_sources(user, now=now):
        raise SubscriptionError("not_allowed", _MEMBERS_ONLY)
    _check_private_cap(user)
    try:
        url = private.check_url(url)
    except private.RefusedSource as exc:
        raise SubscriptionError(_code(exc.code), exc.message) from exc
    existing = Feed.objects.filter(url=url).first()  # a private source another member added: no fetch needed
    if existing is not None:
        return existing
    try:
        found = discover(url)
    except FeedNotFound as exc:
        raise SubscriptionError("not_a_feed", f"No feed was found at {url}: {exc}") from exc
    feed = catalogue_feed(found.url)
    if feed is not None:
        return feed
    try:
        return private.add_private_feed(found.url, added_by=user, now=now)
    except private.RefusedSource as exc:
        raise SubscriptionError(_code(exc.code), exc.message) from exc


def _code(code: str):
    return code if code in ("invalid_url", "refused_address") else "invalid_url"


def discover(url: str) -> FoundFeed:
    """The feed at or advertised by `url`, fetched by the crawler's Fetcher (its SSRF guard at connect time, its
    size and time limits). Raises FeedNotFound."""
    from newsstand.ingest.stages.fetch import Fetcher

    async def find() -> FoundFeed:
        async with Fetcher() as fetcher:
            return await find_feed(url, fetcher=fetcher)

    return asyncio.run(find())


def _check_total_cap(user: User) -> None:
    cap = settings.NEWSSTAND_SUBSCRIPTIONS_MAX
    if Subscription.objects.filter(user=user).count() >= cap:
        raise SubscriptionError("cap_reached", f"You can subscribe to {cap} feeds at most; unsubscribe from one first.")


def _check_private_cap(user: User) -> None:
    cap = settings.NEWSSTAND_PRIVATE_SOURCES_MAX
    if Subscription.objects.filter(user=user, feed__private=True).count() >= cap:
        raise SubscriptionError(
            "cap_reached", f"You can add {cap} feeds of your own at most; unsubscribe from one of them first."
        )


def _lock(user: User) -> None:
    """Serialise one reader's subscription changes (caps are counted under it). Inside a transaction."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _subscribe_to(user: User, feed: Feed, *, category: Category | None, title: str, now: datetime) -> Subscription:
    with transaction.atomic():
        _lock(user)
        _check_total_cap(user)
        if feed.private:
            _check_private_cap(user)
        if Subscription.objects.filter(user=user, feed=feed).exists():
            raise SubscriptionError("duplicate", "You are subscribed to this feed already.")
        _lock_feed(feed.pk)
        try:
            with transaction.atomic():
                made = Subscription.objects.create(
                    user=user,
                    feed=feed,
                    category=category or selectors.default_category(user),
                    title=_clean_title(title, TITLE_MAX),
                    created_at=now,
                    unread_since=now - timedelta(days=max(0, settings.NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS)),
                )
        except IntegrityError as exc:
            raise SubscriptionError("duplicate", "You are subscribed to this feed already.") from exc
        unread.subscribed(user.pk, feed.pk)
        _resume_if_paused(feed, now=now)
        return made


NO_SUBSCRIBERS = "no_subscribers"  # Feed.last_error_code of a private source paused for want of readers


def _lock_feed(feed_id: int) -> None:
    """Take the feed's row lock (PostgreSQL; SQLite's writers queue anyway), as `deliver` does: a subscription
    and the feed's new articles are then written one after the other, each seeing the other."""
    if connection.features.has_select_for_update:
        Feed.objects.select_for_update().filter(pk=feed_id).values_list("pk", flat=True).first()


def _resume_if_paused(feed: Feed, *, now: datetime) -> None:
    """A private source paused when its last subscriber left is fetched again, at once."""
    Feed.objects.filter(pk=feed.pk, private=True, active=False, last_error_code=NO_SUBSCRIBERS).update(
        active=True, status=FeedStatus.NEW, next_fetch_at=now, last_error="", last_error_code=""
    )


def _pause_if_unsubscribed(feed_id: int) -> None:
    """A private source with no subscriber left is not fetched (a promoted feed is the catalogue's: left alone)."""
    if Subscription.objects.filter(feed_id=feed_id).exists():
        return
    Feed.objects.filter(pk=feed_id, private=True, active=True).update(
        active=False,
        status=FeedStatus.DISABLED,
        next_fetch_at=None,
        last_error="No one subscribes to this private source any more: fetched again when someone does.",
        last_error_code=NO_SUBSCRIBERS,
    )


def _clean_title(title: str, limit: int) -> str:
    return " ".join((title or "").split())[:limit]


def _own_subscription(user: User, subscription_id: int) -> Subscription:
    found = Subscription.objects.filter(user=user, pk=subscription_id).first()
    if found is None:
        raise SubscriptionError("not_found", "There is no such subscription.")
    return found


def _own_category(user: User, category: Category | int) -> Category:
    pk = category.pk if isinstance(category, Category) else category
    found = Category.objects.filter(user=user, pk=pk).first()
    if found is None:
        raise SubscriptionError("not_found", "There is no such category.")
    return found


def unsubscribe(user: User, subscription_id: int) -> None:
    """Stop the subscription (the reader's read states stay, should they subscribe again); a private source left
    without subscribers is paused (module docstring). Raises not_found."""
    with transaction.atomic():
        _lock(user)
        found = _own_subscription(user, subscription_id)
        _lock_feed(found.feed_id)
        found.delete()
        unread.unsubscribed(user.pk, found.feed_id)
        _pause_if_unsubscribed(found.feed_id)


def leave_all(user: User) -> None:
    """Every subscription of the reader goes (their account is being deleted): private sources left without
    subscribers are paused as on unsubscribing. Their rows go with the account."""
    with transaction.atomic():
        feeds = sorted(Subscription.objects.filter(user=user).values_list("feed_id", flat=True))
        for feed_id in feeds:
            _lock_feed(feed_id)
        Subscription.objects.filter(user=user).delete()
        UnreadEntry.objects.filter(user=user).delete()
        for feed_id in feeds:
            _pause_if_unsubscribed(feed_id)


def deliver(feed_id: int, article_ids: list[int], *, changed: list[int] = ()) -> None:
    """The feed sighted `article_ids` for the first time and rewrote `changed` (the store stage's signal, or a
    sighting saved through the ORM): its subscribers' unread entries follow. Takes the feed's row lock first (see
    `_lock_feed`); for a feed nobody subscribes to, costs that and one indexed look."""
    with transaction.atomic(savepoint=False):  # the store's transaction, or one of its own for an ORM save
        _lock_feed(feed_id)
        if changed:
            unread.redated(list(changed))
        if not Subscription.objects.filter(feed_id=feed_id).exists():
            return
        if article_ids:
            unread.delivered(feed_id, article_ids)


def rebuild_unread(user: User) -> None:
    """The reader's unread rows made again from their definition (unread's docstring). The services keep them
    right as they go; this is for repairs and for tests that check them."""
    with transaction.atomic():
        unread.rebuild(user.pk)


def update_subscription(
    user: User, subscription_id: int, *, title: str | None = None, category: Category | int | None = None
) -> Subscription:
    """Rename (`title`, "" for the feed's own) or move (`category`, a Category or its id) a subscription."""
    found = _own_subscription(user, subscription_id)
    fields = []
    if title is not None:
        found.title = _clean_title(title, TITLE_MAX)
        fields.append("title")
    if category is not None:
        found.category = _own_category(user, category)
        fields.append("category")
    if fields:
        found.save(update_fields=fields)
    return found


# -- categories --------------------------------------------------------------------------------------------------


def _category_title(title: str) -> str:
    cleaned = _clean_title(title, CATEGORY_TITLE_MAX)
    if not cleaned:
        raise SubscriptionError("invalid_title", "A category needs a name.")
    return cleaned


def create_category(user: User, title: str, *, now: datetime | None = None) -> Category:
    """A new category. Raises invalid_title, duplicate (a category of that name, whatever its case), cap_reached."""
    from newsstand.core import clock

    title = _category_title(title)
    selectors.default_category(user)
    with transaction.atomic():
        _lock(user)
        cap = settings.NEWSSTAND_SUBSCRIPTIONS_MAX
        if Category.objects.filter(user=user).count() >= cap:
            raise SubscriptionError("cap_reached", f"You can have {cap} categories at most.")
        if Category.objects.filter(user=user, title__iexact=title).exists():
            raise SubscriptionError("duplicate", f"You have a category named {title!r} already.")
        try:
            with transaction.atomic():
                return Category.objects.create(user=user, title=title, created_at=now or clock.now())
        except IntegrityError as exc:
            raise SubscriptionError("duplicate", f"You have a category named {title!r} already.") from exc


def rename_category(user: User, category_id: int, title: str) -> Category:
    """Rename a category (the default one too). Raises not_found, invalid_title, duplicate."""
    category = _own_category(user, category_id)
    title = _category_title(title)
    if Category.objects.filter(user=user, title__iexact=title).exclude(pk=category.pk).exists():
        raise SubscriptionError("duplicate", f"You have a category named {title!r} already.")
    category.title = title
    try:
        with transaction.atomic():
            category.save(update_fields=["title"])
    except IntegrityError as exc:
        raise SubscriptionError("duplicate", f"You have a category named {title!r} already.") from exc
    return category


def delete_category(user: User, category_id: int) -> None:
    """Delete a category; its subscriptions move to the default category. Raises not_found, and not_allowed for
    the default category itself."""
    category = _own_category(user, category_id)
    if category.default:
        raise SubscriptionError("not_allowed", "The default category cannot be deleted; rename it instead.")
    default = selectors.default_category(user)
    with transaction.atomic():
        Subscription.objects.filter(user=user, category=category).update(category=default)
        category.delete()


# -- read state and stars ----------------------------------------------------------------------------------------


def _write_marks(user: User, chosen, *, read: bool, now: datetime) -> int:
    """A read (or unread) mark for every article of `chosen` (a queryset of the reader's entries): one statement.
    Returns how many were written."""
    select, params = chosen.order_by().values("id").query.sql_with_params()
    table = connection.ops.quote_name(ReadState._meta.db_table)
    quote = connection.ops.quote_name
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT (its documented upsert ambiguity).
    sql = (
        f"INSERT INTO {table} (user_id, article_id, {quote('read')}, changed_at) "
        f"SELECT %s, chosen.id, %s, %s FROM ({select}) chosen WHERE true "
        f"ON CONFLICT (user_id, article_id) DO UPDATE SET {quote('read')} = excluded.{quote('read')}, "
        "changed_at = excluded.changed_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, read, connection.ops.adapt_datetimefield_value(now), *params])
        return max(cursor.rowcount, 0)


def set_read(user: User, article_ids: Iterable[int], read: bool, *, now: datetime) -> int:
    """Mark the reader's entries among `article_ids` read or unread; returns how many changed. Ids of articles not
    in the reader's subscriptions are ignored. Marking unread an entry the backlog made read (published before the
    subscription's `unread_since`) makes it unread like any other: the reader asked for it."""
    ids = sorted({int(pk) for pk in article_ids})
    if not ids:
        return 0
    with transaction.atomic():
        if read:
            column = connection.ops.quote_name("article_id")
            return sum(
                unread.mark_read(user.pk, f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk, now=now)
                for chunk in (ids[start : start + 500] for start in range(0, len(ids), 500))
            )
        chosen = selectors.matching(user, ids=ids, status="read")
        changed = list(chosen.values_list("pk", flat=True))
        if changed:
            _write_marks(user, selectors.matching(user, ids=changed), read=False, now=now)
            unread.marked_unread(user.pk, changed)
        return len(changed)


def mark_all_read(
    user: User,
    *,
    feed_id: int | None = None,
    category_id: int | None = None,
    before: datetime | None = None,
    now: datetime,
) -> int:
    """Mark read every unread entry of the reader's (or of one feed, or one category), published at or before
    `before` when given (Google Reader's `ts`: what the app had seen); returns how many. Two statements over the
    rows of unread entries, whatever the reader has."""
    quote = connection.ops.quote_name
    conditions, params = ["1 = 1"], []
    if feed_id is not None:
        conditions.append(f"{quote('feed_id')} = %s")
        params.append(feed_id)
    if category_id is not None:
        in_category = Subscription.objects.filter(user=user, category_id=category_id).values("feed_id")
        select, more = in_category.query.sql_with_params()
        conditions.append(f"{quote('feed_id')} IN ({select})")
        params.extend(more)
    if before is not None:
        conditions.append(f"{quote('published_at')} <= %s")
        params.append(connection.ops.adapt_datetimefield_value(before))
    with transaction.atomic():
        return unread.mark_read(user.pk, " AND ".join(conditions), params, now=now)


def set_starred(user: User, article_ids: Iterable[int], starred: bool, *, now: datetime) -> int:
    """Star (save, as the web's "save") or unstar the reader's entries among `article_ids`, through
    reading.services; returns how many changed. Ids not in the reader's subscriptions are ignored."""
    ids = sorted({int(pk) for pk in article_ids})
    if not ids:
        return 0
    saved = Q(pk__in=SavedArticle.objects.filter(user=user).values("article_id"))
    listed = selectors.matching(user, ids=ids)
    if starred:
        changed = list(listed.exclude(saved).only("pk"))
        for article in changed:
            reading.save_article(user, article, now=now)
        return len(changed)
    return sum(reading.unsave_article(user, article) for article in listed.filter(saved).only("pk"))
