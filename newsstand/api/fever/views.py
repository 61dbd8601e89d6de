"""The Fever endpoint: one view that authenticates by `api_key`, does the write a request carries, then answers
every read argument it names (see api.fever for the protocol as this serves it)."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.api import content, limits
from newsstand.core import clock
from newsstand.images import services as images
from newsstand.membership import paywall
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import Subscription

API_VERSION = 3
ITEMS_PER_CALL = 50  # Fever's page: since_id / max_id / with_ids each give at most this many
LARGEST_ID = 2**63 - 1
LOGO_WIDTHS = (64, 160)  # the widths the site's pages ask the image proxy for a publisher's logo
KINDLING = 0  # the group of every feed
_FEVER_KEY = re.compile("[0-9a-f]{32}")  # md5 in hex: anything else is no key (and never reaches the database)


def _unauthorised() -> JsonResponse:
    return JsonResponse({"api_version": API_VERSION, "auth": 0})


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return JsonResponse({"api_version": API_VERSION, "auth": 0, "error": "rate_limited"}, status=429)


@csrf_exempt
@limits.rate_limited("fever", refuse=_too_many)
def endpoint(request: HttpRequest) -> HttpResponse:
    """`/fever/?api[&…]`: POST (as clients send it) or GET (as some send reads)."""
    if request.method not in ("GET", "POST"):
        response = _unauthorised()
        response.status_code = 405
        response["Allow"] = "GET, POST"
        return response
    form = request.POST if request.method == "POST" else request.GET
    key = (form.get("api_key") or request.GET.get("api_key", "")).strip().lower()
    user = app_passwords.user_for_fever_key(key) if _FEVER_KEY.fullmatch(key) else None
    if user is None:
        return _unauthorised()
    now = clock.now()
    answer: dict[str, object] = {"api_version": API_VERSION, "auth": 1, "last_refreshed_on_time": _unix(now)}
    mark = _field(request, "mark")
    if mark:
        _write(user, mark, request, now=now)
    for argument, read in READS.items():
        if argument in request.GET:
            answer.update(read(user, request, now))
    return JsonResponse(answer)


def _field(request: HttpRequest, name: str) -> str:
    """A write's field: from the form body, else the query string (clients differ)."""
    return (request.POST.get(name) or request.GET.get(name) or "").strip()


def _int(raw: str | None, *, default: int | None = None) -> int | None:
    try:
        value = int((raw or "").strip())
    except ValueError:
        return default
    return value if -LARGEST_ID <= value <= LARGEST_ID else default


def _unix(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment is not None else 0


# -- writes --------------------------------------------------------------------------------------------------------


def _write(user: User, mark: str, request: HttpRequest, *, now: datetime) -> None:
    """mark=item (as read, unread, saved, unsaved), mark=feed / mark=group (as read, up to `before`). Ids that are
    not the reader's are ignored, as Fever servers do."""
    kind, target = _field(request, "as"), _int(_field(request, "id"))
    if target is None:
        return
    if mark == "item" and target > 0:
        if kind in ("read", "unread"):
            services.set_read(user, [target], kind == "read", now=now)
        elif kind in ("saved", "unsaved"):
            services.set_starred(user, [target], kind == "saved", now=now)
        return
    if kind != "read" or mark not in ("feed", "group"):
        return
    before = _before(_field(request, "before"), now)
    if mark == "feed" and target > 0 and _owns(user, feed_id=target):
        services.mark_all_read(user, feed_id=target, before=before, now=now)
    elif mark == "group" and target == KINDLING:
        services.mark_all_read(user, before=before, now=now)
    elif mark == "group" and target > 0 and _owns(user, category_id=target):
        services.mark_all_read(user, category_id=target, before=before, now=now)


def _before(raw: str, now: datetime) -> datetime:
    """`before` is the unix time of the client's last items call: what it has seen. Missing or unreadable: now."""
    seconds = _int(raw)
    if seconds is None or seconds <= 0:
        return now
    try:
        return min(datetime.fromtimestamp(seconds, tz=UTC), now)
    except (OverflowError, OSError, ValueError):
        return now


def _owns(user: User, *, feed_id: int | None = None, category_id: int | None = None) -> bool:
    subscribed = selectors.subscriptions(user)
    if feed_id is not None:
        return any(sub.feed_id == feed_id for sub in subscribed)
    return any(category.pk == category_id for category in selectors.categories(user))


# -- reads ---------------------------------------------------------------------------------------------------------


def _feeds_groups(subscribed: list[Subscription]) -> list[dict]:
    by_category: dict[int, list[str]] = {}
    for sub in subscribed:
        by_category.setdefault(sub.category_id, []).append(str(sub.feed_id))
    return [{"group_id": group, "feed_ids": ",".join(feeds)} for group, feeds in sorted(by_category.items())]


def _groups(user: User, request: HttpRequest, now: datetime) -> dict:
    return {
        "groups": [{"id": c.pk, "title": c.title} for c in selectors.categories(user)],
        "feeds_groups": _feeds_groups(selectors.subscriptions(user)),
    }


def _feeds(user: User, request: HttpRequest, now: datetime) -> dict:
    subscribed = selectors.subscriptions(user)
    with_logo = {publisher_id for publisher_id, _ in _logos(subscribed)}
    feeds = [
        {
            "id": sub.feed_id,
            "favicon_id": sub.feed.publisher_id if sub.feed.publisher_id in with_logo else 0,
            "title": sub.display_title,
            "url": sub.feed.url,
            "site_url": sub.feed.publisher.homepage,
            "is_spark": 0,
            "last_updated_on_time": _unix(sub.feed.last_success_at),
        }
        for sub in subscribed
    ]
    return {"feeds": feeds, "feeds_groups": _feeds_groups(subscribed)}


def _logos(subscribed: list[Subscription]) -> list[tuple[int, images.Served]]:
    """(publisher id, logo) for the subscribed publishers whose logo the image proxy holds already."""
    publishers = {sub.feed.publisher_id: sub.feed.publisher for sub in subscribed}
    kept = caches[images.CACHE]
    found = []
    for publisher_id, publisher in sorted(publishers.items()):
        if not publisher.logo_url:
            continue
        for width in LOGO_WIDTHS:
            stored = kept.get(images.cache_key(publisher.logo_url, width))
            if stored is not None and images.Served(*stored).status == 200:
                found.append((publisher_id, images.Served(*stored)))
                break
    return found


def _favicons(user: User, request: HttpRequest, now: datetime) -> dict:
    favicons = [
        {"id": publisher_id, "data": f"{logo.content_type};base64,{base64.b64encode(logo.data).decode()}"}
        for publisher_id, logo in _logos(selectors.subscriptions(user))
    ]
    return {"favicons": favicons}


def _items(user: User, request: HttpRequest, now: datetime) -> dict:
    """50 items: `with_ids` (those), else `since_id` (after it, oldest first), else `max_id` (before it, or the
    newest with 0, newest first), else the oldest."""
    query = request.GET
    window: dict[str, object] = {"order": "id", "direction": "asc"}
    if query.get("with_ids", "").strip():
        wanted = [_int(part) for part in query["with_ids"].split(",")][:ITEMS_PER_CALL]
        window["ids"] = [pk for pk in wanted if pk is not None and pk > 0]
    elif "since_id" in query:
        window["after_id"] = max(0, _int(query["since_id"], default=0))
    elif "max_id" in query:
        window["direction"] = "desc"
        highest = _int(query["max_id"], default=0)
        if highest > 0:
            window["before_id"] = highest
    page = selectors.entries(user, limit=ITEMS_PER_CALL, with_total=False, **window)
    reader = paywall.reader_for(user)
    items = [
        {
            "id": entry.article.pk,
            "feed_id": entry.feed_id,
            "title": entry.article.title,
            "author": entry.article.author,
            "html": content.entry_html(
                entry.article,
                paywall.decide(reader, entry.article, now),
                page_url=request.build_absolute_uri(content.article_path(entry.article)),
            ),
            "url": entry.article.url,
            "is_saved": int(entry.starred),
            "is_read": int(entry.read),
            "created_on_time": _unix(entry.article.published_at),
        }
        for entry in page.items
    ]
    return {"items": items, "total_items": selectors.count(user)}  # counted on the sightings alone


def _id_list(user: User, **filters: object) -> str:
    """Every id of the reader's entries matching `filters`, comma-separated, as Fever sends id lists (the whole
    list: clients mark everything not in it read, or unsaved)."""
    found = selectors.entry_id_list(user, order="id", direction="asc", limit=LARGEST_ID, **filters)
    return ",".join(str(pk) for pk in found)


def _unread_item_ids(user: User, request: HttpRequest, now: datetime) -> dict:
    return {"unread_item_ids": _id_list(user, status="unread")}


def _saved_item_ids(user: User, request: HttpRequest, now: datetime) -> dict:
    return {"saved_item_ids": _id_list(user, starred=True)}


def _links(user: User, request: HttpRequest, now: datetime) -> dict:
    return {"links": []}


READS: dict[str, Callable[[User, HttpRequest, datetime], dict]] = {
    "groups": _groups,
    "feeds": _feeds,
    "favicons": _favicons,
    "items": _items,
    "links": _links,
    "unread_item_ids": _unread_item_ids,
    "saved_item_ids": _saved_item_ids,
}
