"""The Miniflux-compatible API's handlers: read the request (params), call one selector or service of
newsstand.subscriptions, answer in Miniflux's shapes (shapes) and status codes.

Every handler takes (request, reader, **route values) and returns a response or raises `Problem`; `endpoint`
(urls) puts each address's handlers behind the rate limit and the reader's credential (api.limits, api.auth), and
answers a Problem with Miniflux's error shape, `{"error_message": "..."}`. Feed ids are Newsstand's feed ids, the
same for every reader; entry ids are article ids (they fit the 32-bit integers newsboat keeps them in until an
article table two billion rows long).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from newsstand.accounts.models import User
from newsstand.api import auth, content, limits
from newsstand.api.miniflux import params, shapes
from newsstand.api.miniflux.params import BadRequest
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.images import services as images
from newsstand.membership import paywall
from newsstand.sources import opml
from newsstand.sources import services as sources
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.errors import SubscriptionError
from newsstand.subscriptions.models import Category, Subscription

Handler = Callable[..., HttpResponse]

# newsboat asks for a feed's entries with no `limit` and keeps only what the first page holds, so a feed's page
# without a limit holds what a busy feed publishes in a week or two (the busiest catalogue feeds: ~50 a day);
# older entries stay in the app's cache from earlier syncs. Other lists keep Miniflux's 100.
FEED_PAGE = 500
PAGE = 100
ICON_WIDTH = 64  # pixels: the image proxy's smallest width, as big as any app draws a feed icon
REFRESH_AFTER = timedelta(minutes=10)  # a refresh asked sooner after the last fetch leaves the schedule alone
REALM = 'Basic realm="Newsstand reader apps (email and app password)"'

# SubscriptionError codes as Miniflux's status codes (its documentation: 400 bad request, 403 forbidden).
_STATUS_OF = {"not_found": 404, "not_allowed": 403}


class Problem(Exception):
    """A request answered with an error: `status` and a message that says what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error_message": message}, status=status)


def _unauthorized(request: HttpRequest) -> HttpResponse:
    response = error(401, "Access Unauthorized: use your email address and an app password (Account > App passwords).")
    response["WWW-Authenticate"] = REALM
    return response


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return error(429, f"Too many requests: try again in {retry_after} seconds.")


def endpoint(**handlers: Handler) -> Callable[..., HttpResponse]:
    """One address of the API: a handler per HTTP method (GET=..., PUT=...)."""
    allowed = ", ".join(sorted(handlers))

    @limits.rate_limited("miniflux", refuse=_too_many)
    @auth.credential_required(_unauthorized)
    def view(request: HttpRequest, **route: Any) -> HttpResponse:
        handler = handlers.get(request.method or "")
        if handler is None:
            response = error(405, f"Use {allowed} at this address.")
            response["Allow"] = allowed
        else:
            try:
                response = handler(request, auth.api_user(request), **route)
            except BadRequest as exc:
                response = error(400, str(exc))
            except Problem as exc:
                response = error(exc.status, exc.message)
            except SubscriptionError as exc:
                response = error(_STATUS_OF.get(exc.code, 400), exc.message)
        response["Cache-Control"] = "no-store"  # a reader's own data: no shared cache keeps it
        return response

    return view


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False)


def _no_content() -> HttpResponse:
    return HttpResponse(status=204)


# -- lookups ---------------------------------------------------------------------------------------------------


def _subscription(reader: User, feed_id: int) -> Subscription:
    """The reader's subscription to feed `feed_id` (feed, publisher and category joined), else a 404."""
    found = (
        Subscription.objects.filter(user=reader, feed_id=feed_id).select_related("feed__publisher", "category").first()
    )
    if found is None:
        raise Problem(404, "This feed does not exist or you are not subscribed to it.")
    return found


def _category(reader: User, category_id: int) -> Category:
    for row in selectors.categories(reader):
        if row.pk == category_id:
            return row
    raise Problem(404, "This category does not exist or does not belong to you.")


# -- me, categories --------------------------------------------------------------------------------------------


def me(request: HttpRequest, reader: User) -> HttpResponse:
    return _json(shapes.user(reader))


def categories(request: HttpRequest, reader: User) -> HttpResponse:
    rows = selectors.categories(reader)
    if request.GET.get("counts") and params.boolean(request.GET["counts"], "counts"):
        counts = _category_counts(reader)
        return _json([shapes.category(row, counts=counts.get(row.pk, (0, 0))) for row in rows])
    return _json([shapes.category(row) for row in rows])


def _category_counts(reader: User) -> dict[int, tuple[int, int]]:
    """Per category: (feeds, unread entries)."""
    unread = selectors.unread_counts(reader)
    counts: dict[int, tuple[int, int]] = {}
    for sub in selectors.subscriptions(reader):
        feeds, total = counts.get(sub.category_id, (0, 0))
        counts[sub.category_id] = (feeds + 1, total + unread.get(sub.feed_id, (0, None))[0])
    return counts


def create_category(request: HttpRequest, reader: User) -> HttpResponse:
    title = params.text(params.json_body(request.body), "title", required=True)
    row = services.create_category(reader, title or "", now=clock.now())
    return _json(shapes.category(row), status=201)


def update_category(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    title = params.text(params.json_body(request.body), "title", required=True)
    row = services.rename_category(reader, category_id, title or "")
    return _json(shapes.category(row), status=201)


def delete_category(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    services.delete_category(reader, category_id)
    return _no_content()


def category_feeds(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    _category(reader, category_id)
    return _json([shapes.feed(sub) for sub in selectors.subscriptions(reader) if sub.category_id == category_id])


def category_entries(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    _category(reader, category_id)
    query = params.entry_query(request.GET, default_limit=PAGE)
    return _entry_list(request, reader, query, category_id=category_id)


def mark_category_read(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    _category(reader, category_id)
    services.mark_all_read(reader, category_id=category_id, now=clock.now())
    return _no_content()


def refresh_category(request: HttpRequest, reader: User, category_id: int) -> HttpResponse:
    _category(reader, category_id)
    _refresh([sub for sub in selectors.subscriptions(reader) if sub.category_id == category_id])
    return _no_content()


# -- feeds -----------------------------------------------------------------------------------------------------


def feeds(request: HttpRequest, reader: User) -> HttpResponse:
    return _json([shapes.feed(sub) for sub in selectors.subscriptions(reader)])


def create_feed(request: HttpRequest, reader: User) -> HttpResponse:
    data = params.json_body(request.body)
    url = params.text(data, "feed_url", required=True) or ""
    category_id = params.optional_id(data, "category_id")
    category = _category(reader, category_id) if category_id is not None else None
    sub = services.subscribe(reader, url, category=category, now=clock.now())
    return _json({"feed_id": sub.feed_id}, status=201)


def feed(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    return _json(shapes.feed(_subscription(reader, feed_id)))


def update_feed(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    data = params.json_body(request.body)
    sub = _subscription(reader, feed_id)
    title = params.text(data, "title", required=False)
    category_id = params.optional_id(data, "category_id")
    services.update_subscription(reader, sub.pk, title=title, category=category_id)
    return _json(shapes.feed(_subscription(reader, feed_id)), status=201)


def delete_feed(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    services.unsubscribe(reader, _subscription(reader, feed_id).pk)
    return _no_content()


def refresh_feed(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    _refresh([_subscription(reader, feed_id)])
    return _no_content()


def refresh_all(request: HttpRequest, reader: User) -> HttpResponse:
    _refresh(selectors.subscriptions(reader))
    return _no_content()


def _refresh(subs: list[Subscription]) -> None:
    """Make the feeds due now, except those fetched in the last REFRESH_AFTER: a reader's app pressing refresh
    must not make Newsstand hammer a publisher (the crawler's own schedule keeps catalogue feeds fresh)."""
    now = clock.now()
    due = [
        sub.feed_id
        for sub in subs
        if sub.feed.active and (sub.feed.last_fetched_at is None or now - sub.feed.last_fetched_at >= REFRESH_AFTER)
    ]
    if due:
        sources.fetch_now(feed_ids=due, now=now)


def feed_icon(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    publisher = _subscription(reader, feed_id).feed.publisher
    return _icon(publisher.pk, publisher.logo_url)


def icon(request: HttpRequest, reader: User, icon_id: int) -> HttpResponse:
    """An icon by its id (the publisher's), for a publisher of one of the reader's feeds."""
    for sub in selectors.subscriptions(reader):
        if sub.feed.publisher_id == icon_id:
            return _icon(icon_id, sub.feed.publisher.logo_url)
    raise Problem(404, "This icon does not exist.")


def _icon(icon_id: int, url: str) -> HttpResponse:
    """The publisher's image as the image proxy serves it (fetched once, checked, resized, kept)."""
    served = images.image(url, ICON_WIDTH) if url else None
    if served is None or served.status != 200:
        raise Problem(404, "This feed has no icon.")
    data = base64.b64encode(served.data).decode("ascii")
    return _json({"id": icon_id, "data": f"{served.content_type};base64,{data}", "mime_type": served.content_type})


def mark_feed_read(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    _subscription(reader, feed_id)
    services.mark_all_read(reader, feed_id=feed_id, now=clock.now())
    return _no_content()


def feed_entries(request: HttpRequest, reader: User, feed_id: int) -> HttpResponse:
    sub = _subscription(reader, feed_id)
    query = params.entry_query(request.GET, default_limit=FEED_PAGE)
    return _entry_list(request, reader, query, feed_id=feed_id, subs={feed_id: sub})


def feed_entry(request: HttpRequest, reader: User, feed_id: int, entry_id: int) -> HttpResponse:
    sub = _subscription(reader, feed_id)
    found = selectors.entry(reader, entry_id)
    if found is None or found.feed_id != feed_id:
        raise Problem(404, "This entry does not exist in this feed.")
    return _json(_Shaper(request, reader, {feed_id: sub}).entry(found))


# -- entries ---------------------------------------------------------------------------------------------------


def entries(request: HttpRequest, reader: User) -> HttpResponse:
    query = params.entry_query(request.GET, default_limit=PAGE)
    return _entry_list(request, reader, query)


def entry(request: HttpRequest, reader: User, entry_id: int) -> HttpResponse:
    found = selectors.entry(reader, entry_id)
    if found is None:
        raise Problem(404, "This entry does not exist or is not in your subscriptions.")
    return _json(_Shaper(request, reader).entry(found))


def update_entries(request: HttpRequest, reader: User) -> HttpResponse:
    """`PUT /v1/entries`; the body is read as JSON whatever its Content-Type (newsboat labels it a form)."""
    change = params.status_change(params.json_body(request.body))
    services.set_read(reader, change.entry_ids, change.read, now=clock.now())
    return _no_content()


def toggle_bookmark(request: HttpRequest, reader: User, entry_id: int) -> HttpResponse:
    found = selectors.entry(reader, entry_id)
    if found is None:
        raise Problem(404, "This entry does not exist or is not in your subscriptions.")
    services.set_starred(reader, [entry_id], not found.starred, now=clock.now())
    return _no_content()


def mark_user_read(request: HttpRequest, reader: User, user_id: int) -> HttpResponse:
    if user_id != reader.pk:
        raise Problem(403, "You can mark only your own entries read.")
    services.mark_all_read(reader, now=clock.now())
    return _no_content()


def _entry_list(
    request: HttpRequest,
    reader: User,
    query: params.EntryQuery,
    *,
    feed_id: int | None = None,
    category_id: int | None = None,
    subs: dict[int, Subscription] | None = None,
) -> HttpResponse:
    if query.nothing:
        return _json({"total": 0, "entries": []})
    filters = query.selector_filters()
    if category_id is not None:
        filters["category_id"] = category_id
    page = selectors.entries(reader, feed_id=feed_id, **filters)
    shaper = _Shaper(request, reader, subs)
    return _json({"total": page.total, "entries": [shaper.entry(item) for item in page.items]})


class _Shaper:
    """Shapes a request's entries: the reader's paywall standing read once, each feed's JSON made once."""

    def __init__(self, request: HttpRequest, reader: User, subs: dict[int, Subscription] | None = None) -> None:
        self.request = request
        self.reader = reader
        self.standing = paywall.reader_for(reader)
        self.now = clock.now()
        self._subs = subs
        self._feeds: dict[int, dict[str, Any] | None] = {}

    @functools.cached_property
    def subs(self) -> dict[int, Subscription]:
        if self._subs is not None:
            return self._subs
        return {sub.feed_id: sub for sub in selectors.subscriptions(self.reader)}

    def feed_json(self, feed_id: int) -> dict[str, Any] | None:
        if feed_id not in self._feeds:
            sub = self.subs.get(feed_id)
            self._feeds[feed_id] = shapes.feed(sub) if sub is not None else None
        return self._feeds[feed_id]

    def page_url(self, article: Article) -> str:
        return self.request.build_absolute_uri(content.article_path(article))

    def entry(self, item: selectors.Entry) -> dict[str, Any]:
        return shapes.entry(
            item,
            reader_id=self.reader.pk,
            decision=paywall.decide(self.standing, item.article, self.now),
            feed_json=self.feed_json(item.feed_id),
            page_url=self.page_url,
        )


# -- OPML ------------------------------------------------------------------------------------------------------


def export(request: HttpRequest, reader: User) -> HttpResponse:
    """The reader's subscriptions as OPML, one outline per category."""
    document = content.subscriptions_opml(reader, now=clock.now())
    return HttpResponse(document, content_type="text/xml; charset=utf-8")


def import_opml(request: HttpRequest, reader: User) -> HttpResponse:
    """Subscribe to every feed of the OPML body, each in the category its outline is filed under (made when the
    reader has none of that name). Feeds already subscribed to are left as they are."""
    try:
        document = opml.parse_opml(request.body)
    except opml.OPMLError as exc:
        raise BadRequest(f"This is not an OPML file Newsstand can read: {exc}") from None
    now = clock.now()
    by_title = {row.title.casefold(): row for row in selectors.categories(reader)}
    failed: list[str] = []
    added = 0
    for outline in document.feeds:
        folder = (outline.folder or outline.section).strip()
        try:
            category = None
            if folder:
                category = by_title.get(folder.casefold())
                if category is None:
                    category = by_title[folder.casefold()] = services.create_category(reader, folder, now=now)
            services.subscribe(reader, outline.url, category=category, now=now)
            added += 1
        except SubscriptionError as exc:
            if exc.code != "duplicate":
                failed.append(f"{outline.url} ({exc.message})")
    if failed and not added:
        raise Problem(400, "No feed could be added: " + "; ".join(failed[:10]))
    message = "Feeds imported successfully"
    if failed:
        message += f"; {len(failed)} could not be added: " + "; ".join(failed[:10])
    return _json({"message": message}, status=201)
