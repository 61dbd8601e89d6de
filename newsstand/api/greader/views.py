"""The Google Reader API's views: parse the request, call one selector or service, render (README.md beside this
file lists what is served and how it differs from Google's and FreshRSS's).

Every view but ClientLogin wants a credential (`Authorization: GoogleLogin auth=<Auth>`, or any credential
newsstand.api.auth accepts), and every write wants the action token `T` as well (api.greader.login). Refusals are
plain text, as Google Reader's were: 401 without a valid credential, 401 with `X-Reader-Google-Bad-Token: true` for
a bad `T` (clients fetch a new token and retry), 400 for an id or parameter that names nothing, 404 for a feed or
label the reader does not have. All are rate-limited per credential (api.limits, scope "greader").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.api import auth, content, limits
from newsstand.api.auth import Credential
from newsstand.api.greader import ids, login, render, streams
from newsstand.api.greader.streams import Library
from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.errors import SubscriptionError
from newsstand.subscriptions.models import Subscription

CONTENTS_DEFAULT = 20  # items per page when `n` is not given (Google Reader's default)
CONTENTS_MAX = selectors.MAX_LIMIT  # items per page of stream/contents and Atom, and ids per items/contents call
IDS_MAX = 10_000  # ids per page of stream/items/ids (clients ask for 1,000 to 10,000 at once)
FIELDS_MAX = IDS_MAX + 100  # parameters one request may carry: every id, and the few others beside them
PLAIN = "text/plain; charset=utf-8"
_PARAMS = "greader_params"  # where `_params` keeps what it read on the request
_ERROR_STATUS = {"not_found": 404, "not_allowed": 403, "cap_reached": 403}


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    credential: Credential


class Refusal(Exception):
    """A request we answer with a plain-text error (`status`, `message`) instead of the view's reply."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type=PLAIN)


def _unauthorized() -> HttpResponse:
    return _plain("Unauthorized: sign in with ClientLogin (your email and an app password).\n", 401)


def _params(request: HttpRequest) -> QueryDict:
    """The query string and a form body together (clients put the same parameters in either), read once per
    request. Read here rather than through request.GET/POST: those stop at Django's 1,000 fields, and a client
    sends an `i` per item (up to IDS_MAX of them at once)."""
    found = getattr(request, _PARAMS, None)
    if found is not None:
        return found
    sources = [request.META.get("QUERY_STRING", "")]
    content_type = request.content_type or "application/x-www-form-urlencoded"
    if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        sources.append(request.body.decode(request.encoding or "utf-8", "replace"))
    params = QueryDict(mutable=True)
    if request.method == "POST" and content_type == "multipart/form-data":  # rare: Django's parser, its limits
        for key, values in request.POST.lists():
            params.setlist(key, values)
    for source in sources:
        try:
            pairs = parse_qsl(source, keep_blank_values=True, max_num_fields=FIELDS_MAX)
        except ValueError as exc:
            raise ids.BadId(f"at most {FIELDS_MAX} parameters") from exc
        for key, value in pairs:
            params.appendlist(key, value)
    setattr(request, _PARAMS, params)
    return params


def _caller(request: HttpRequest) -> Caller | None:
    """The reader of this request: a ClientLogin `Auth` (api.greader.login), else any credential api.auth takes."""
    found = auth.credential(request)
    if found is None:
        return None
    if found.scheme == "token" and login.is_auth(found.secret):
        user = login.user_for_auth(found.secret)
    else:
        user = auth.authenticate(request)
    return Caller(user, found) if user is not None else None


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def endpoint(*, write: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap a view: rate limits, the credential (the view gets a `Caller`), `T` and POST for writes, and the
    plain-text refusals of the module docstring."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if write and request.method != "POST":
                return _private(_plain("This call changes state: POST it, with T.\n", 405))
            caller = _caller(request)
            if caller is None:
                return _private(_unauthorized())
            try:
                if write and not login.action_token_valid(caller.credential, _params(request).get("T", "")):
                    refused = _plain("Bad action token T: get a new one from /reader/api/0/token.\n", 401)
                    refused["X-Reader-Google-Bad-Token"] = "true"
                    return _private(refused)
                return _private(view(request, caller, *args, **kwargs))
            except ids.BadId as exc:
                return _private(_plain(f"Error={exc}\n", 400))
            except Refusal as exc:
                return _private(_plain(f"Error={exc.message}\n", exc.status))
            except SubscriptionError as exc:
                return _private(_plain(f"Error={exc.message}\n", _ERROR_STATUS.get(exc.code, 400)))

        return limits.rate_limited("greader")(csrf_exempt(wrapped))

    return decorate


# -- signing in --------------------------------------------------------------------------------------------------


@limits.rate_limited("greader")
@csrf_exempt
def client_login(request: HttpRequest) -> HttpResponse:
    """`POST /accounts/ClientLogin` with `Email` and `Passwd` (an app password, never the web password): the
    `Auth` for every later call, in Google's three-line reply (or JSON with `output=json`). GET is refused: a
    password in a URL ends up in access logs."""
    if request.method != "POST":
        return _private(_plain("Send Email and Passwd (an app password) in a POST form.\n", 405))
    email = request.POST.get("Email", "").strip()
    secret = request.POST.get("Passwd", "")
    user = app_passwords.user_for_password(email, secret, now=clock.now()) if email and secret else None
    value = login.auth_for(user, secret) if user is not None and user.is_active else None
    if value is None:
        return _private(_plain("Error=BadAuthentication\n", 401))
    if _params(request).get("output") == "json":
        return _private(JsonResponse({"SID": value, "LSID": value, "Auth": value}))
    return _private(_plain(f"SID={value}\nLSID={value}\nAuth={value}\n"))


@endpoint()
def token(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The action token `T`, alone in the body (no line end: newsboat sends the whole body back as it is)."""
    return _plain(login.action_token(caller.credential))


@endpoint()
def user_info(request: HttpRequest, caller: Caller) -> HttpResponse:
    user = caller.user
    return JsonResponse(
        {
            "userId": str(user.pk),
            "userName": user.get_full_name() or user.email,
            "userProfileId": str(user.pk),
            "userEmail": user.email,
            "isBloggerUser": False,
            "signupTimeSec": ids.seconds(user.date_joined),
            "isMultiLoginEnabled": False,
        }
    )


# -- subscriptions and tags --------------------------------------------------------------------------------------


def _subscription_json(subscription: Subscription) -> dict:
    feed = subscription.feed
    category = subscription.category
    body = {
        "id": ids.feed_stream(feed.pk).id,
        "title": subscription.display_title,
        "categories": [{"id": ids.label_id(category.title), "label": category.title, "type": "folder"}],
        "url": feed.url,
        "htmlUrl": feed.publisher.homepage,
        "sortid": f"{subscription.pk:08X}",
        "firstitemmsec": ids.msec(subscription.created_at),
    }
    if feed.publisher.logo_url:
        body["iconUrl"] = feed.publisher.logo_url
    return body


@endpoint()
def subscription_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    return JsonResponse({"subscriptions": [_subscription_json(sub) for sub in selectors.subscriptions(caller.user)]})


@endpoint()
def tag_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    tags = [{"id": ids.STARRED, "sortid": "A0000001"}]
    tags += [
        {"id": ids.label_id(category.title), "sortid": f"B{category.pk:07X}", "type": "folder"}
        for category in selectors.categories(caller.user)
    ]
    return JsonResponse({"tags": tags})


def _category(caller: Caller, library: Library, label: str, *, create: bool):
    """The reader's category a label names; made when `create` and missing, else a 404 refusal."""
    name = ids.parse_label(label)
    found = library.category(name)
    if found is not None:
        return found
    if not create:
        raise Refusal(404, f"You have no label named {name!r}.")
    return services.create_category(caller.user, name, now=clock.now())


def _subscribed(library: Library, stream_id: str) -> Subscription:
    stream = ids.parse_stream(stream_id)
    if stream.kind not in ("feed", "feed_url"):
        raise ids.BadId(f"{stream_id!r} is not a feed")
    found = library.subscription(stream)
    if found is None:
        raise Refusal(404, f"You are not subscribed to {stream_id}.")
    return found


def _subscribe(caller: Caller, library: Library, stream_id: str, *, title: str, category=None) -> Subscription:
    """Subscribe by a feed's URL (`feed/<url>` or the bare URL); subscribing again to a feed is no error."""
    text = stream_id.strip()
    stream = ids.parse_stream(text if text.startswith("feed/") else f"feed/{text}")
    if stream.kind == "feed":
        found = library.subscription(stream)
        if found is not None:
            return found
        raise ids.BadId("subscribe by the feed's address (feed/https://…), not by a number")
    try:
        return services.subscribe(caller.user, stream.name, category=category, title=title, now=clock.now())
    except SubscriptionError as exc:
        if exc.code != "duplicate":
            raise
        found = Library.of(caller.user).subscription(stream)
        if found is None:  # a duplicate under another spelling of the address: find it by feed
            raise
        return found


@endpoint(write=True)
def subscription_edit(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`ac=subscribe|unsubscribe|edit` for each `s`; `t` a title, `a` a label to put the feed in (made when
    missing), `r` a label to take it out of (back to the default category)."""
    params = _params(request)
    action = params.get("ac", "edit")
    streams_named = params.getlist("s")
    if not streams_named:
        raise ids.BadId("name the feed in s")
    library = Library.of(caller.user)
    add = params.get("a")
    remove = params.get("r")
    title = params.get("t")
    for stream_id in streams_named:
        if action == "subscribe":
            category = _category(caller, library, add, create=True) if add else None
            _subscribe(caller, library, stream_id, title=title or "", category=category)
        elif action == "unsubscribe":
            services.unsubscribe(caller.user, _subscribed(library, stream_id).pk)
        elif action == "edit":
            subscription = _subscribed(library, stream_id)
            category = None
            if add:
                category = _category(caller, library, add, create=True)
                library = Library.of(caller.user)
            elif remove and ids.parse_label(remove).casefold() == subscription.category.title.casefold():
                category = selectors.default_category(caller.user)
            services.update_subscription(caller.user, subscription.pk, title=title, category=category)
        else:
            raise ids.BadId(f"ac={action!r}: subscribe, unsubscribe or edit")
    return _plain("OK")


@endpoint(write=True)
def subscription_quickadd(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`quickadd=<feed or site URL>` (or `feed/<url>`): subscribe, and say which stream it became."""
    query = _params(request).get("quickadd", "").strip()
    if not query:
        raise ids.BadId("name the feed in quickadd")
    try:
        subscription = _subscribe(caller, Library.of(caller.user), query, title="")
    except SubscriptionError as exc:
        body = {"numResults": 0, "query": query, "error": exc.message}
        return JsonResponse(body, status=_ERROR_STATUS.get(exc.code, 400))
    return JsonResponse(
        {
            "numResults": 1,
            "query": query,
            "streamId": ids.feed_stream(subscription.feed_id).id,
            "streamName": subscription.display_title,
        }
    )


@endpoint()
def subscription_export(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The reader's subscriptions as OPML, one outline per category (api.content, as every API exports them)."""
    document = content.subscriptions_opml(caller.user, now=clock.now())
    response = HttpResponse(document, content_type="text/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsstand-subscriptions.opml"'
    return response


@endpoint(write=True)
def rename_tag(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`s` (or `t`) the label, `dest` its new name (`user/-/label/<name>` or bare)."""
    params = _params(request)
    library = Library.of(caller.user)
    category = _category(caller, library, params.get("s") or params.get("t", ""), create=False)
    services.rename_category(caller.user, category.pk, ids.parse_label(params.get("dest", "")))
    return _plain("OK")


@endpoint(write=True)
def disable_tag(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`s` (or `t`) the label to delete; its feeds move to the default category."""
    params = _params(request)
    library = Library.of(caller.user)
    category = _category(caller, library, params.get("s") or params.get("t", ""), create=False)
    services.delete_category(caller.user, category.pk)
    return _plain("OK")


# -- streams and items -------------------------------------------------------------------------------------------


def _context(request: HttpRequest, caller: Caller, library: Library) -> render.Context:
    return render.Context(
        reader=paywall.reader_for(caller.user),
        now=clock.now(),
        by_feed=library.by_feed(),
        absolute=request.build_absolute_uri,
    )


def _stream_page(request: HttpRequest, caller: Caller, stream_id: str, *, largest: int):
    params = _params(request)
    stream = ids.parse_stream(stream_id)
    library = Library.of(caller.user)
    filters = streams.filters_for(library, stream, params)
    count = ids.parse_count(params.get("n"), default=CONTENTS_DEFAULT, largest=largest)
    page = streams.page(caller.user, filters, count=count, continuation=params.get("c"))
    return stream, library, filters, page


@endpoint()
def stream_contents(request: HttpRequest, caller: Caller, stream_id: str = "") -> HttpResponse:
    """`/reader/api/0/stream/contents/<stream id>` (or `?s=`): a page of items, newest first unless `r=o`."""
    stream, library, filters, page = _stream_page(
        request, caller, stream_id or _params(request).get("s", ids.READING_LIST), largest=CONTENTS_MAX
    )
    found = streams.entries(caller.user, [pk for pk, _ in page.ids], direction=filters.values["direction"])
    context = _context(request, caller, library)
    items = [render.item(entry, context) for entry in found]
    body = render.stream(stream.id, library.title(stream), items, continuation=page.continuation, now=context.now)
    return JsonResponse(body)


@endpoint()
def stream_items_ids(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`s` the stream: a page of item ids (short decimal form) with their published times."""
    params = _params(request)
    stream_id = params.get("s")
    if not stream_id:
        raise ids.BadId("name the stream in s")
    _, _, _, page = _stream_page(request, caller, stream_id, largest=IDS_MAX)
    refs = [{"id": ids.short_id(pk), "directStreamIds": [], "timestampUsec": ids.usec(at)} for pk, at in page.ids]
    body: dict = {"itemRefs": refs}
    if page.continuation:
        body["continuation"] = page.continuation
    return JsonResponse(body)


@endpoint()
def stream_items_contents(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`i` (repeated, any id form; at most CONTENTS_MAX): those of the reader's items, newest first. Ids that are
    not the reader's are left out."""
    wanted = list(dict.fromkeys(ids.parse_item_id(value) for value in _params(request).getlist("i")))
    if len(wanted) > CONTENTS_MAX:
        raise ids.BadId(f"ask for at most {CONTENTS_MAX} items at once")
    library = Library.of(caller.user)
    context = _context(request, caller, library)
    items = [render.item(entry, context) for entry in streams.entries(caller.user, wanted)]
    body = render.stream(ids.READING_LIST, "Reading list", items, continuation=None, now=context.now)
    return JsonResponse(body)


@endpoint()
def unread_count(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Unread items per feed, per label and in all, each with its newest item's time."""
    library = Library.of(caller.user)
    counts = selectors.unread_counts(caller.user)
    rows = []
    labels: dict[str, list] = {}
    for subscription in library.subscriptions:
        unread, newest = counts.get(subscription.feed_id, (0, None))
        rows.append((ids.feed_stream(subscription.feed_id).id, unread, newest))
        label = labels.setdefault(ids.label_id(subscription.category.title), [0, None])
        label[0] += unread
        label[1] = max(filter(None, [label[1], newest]), default=None)
    rows += [(label_id, unread, newest) for label_id, (unread, newest) in labels.items()]
    total = sum(unread for _, unread, _ in rows[: len(library.subscriptions)])
    newest_of_all = max((newest for _, _, newest in rows if newest), default=None)
    rows.append((ids.READING_LIST, total, newest_of_all))
    return JsonResponse(
        {
            "max": total,
            "unreadcounts": [
                {"id": stream_id, "count": unread, "newestItemTimestampUsec": ids.usec(newest) if newest else "0"}
                for stream_id, unread, newest in rows
            ],
        }
    )


@endpoint(write=True)
def edit_tag(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`i` items (any id form), `a` tags to add and `r` tags to remove: read, kept-unread (= unread) and starred
    change state; other tags (labels, broadcast, like) are accepted and change nothing."""
    params = _params(request)
    article_ids = [ids.parse_item_id(value) for value in params.getlist("i")]
    if not article_ids:
        raise ids.BadId("name the items in i")
    if len(article_ids) > IDS_MAX:
        raise ids.BadId(f"edit at most {IDS_MAX} items at once")
    added = streams.states(params.getlist("a"))
    removed = streams.states(params.getlist("r"))
    now = clock.now()
    if "read" in added:
        services.set_read(caller.user, article_ids, True, now=now)
    elif "read" in removed or "kept-unread" in added:
        services.set_read(caller.user, article_ids, False, now=now)
    if "starred" in added:
        services.set_starred(caller.user, article_ids, True, now=now)
    elif "starred" in removed:
        services.set_starred(caller.user, article_ids, False, now=now)
    return _plain("OK")


@endpoint(write=True)
def mark_all_as_read(request: HttpRequest, caller: Caller) -> HttpResponse:
    """`s` a feed, a label or the reading list; `ts` (epoch microseconds) spares items published after it."""
    params = _params(request)
    stream = ids.parse_stream(params.get("s", ""))
    if stream.kind == "state" and stream.name != "reading-list":
        raise ids.BadId(f"{stream.id}: mark a feed, a label or the reading list read")
    filters = streams.scope(Library.of(caller.user), stream)
    if filters.empty:
        raise Refusal(404, f"You have no stream {stream.id}.")
    services.mark_all_read(
        caller.user,
        feed_id=filters.values.get("feed_id"),
        category_id=filters.values.get("category_id"),
        before=ids.parse_microseconds(params.get("ts")),
        now=clock.now(),
    )
    return _plain("OK")


@endpoint()
def atom(request: HttpRequest, caller: Caller, stream_id: str) -> HttpResponse:
    """`/reader/atom/<stream id>?n=20`: the stream as Atom, as newsboat's `feedhq` source reads every feed."""
    stream, library, filters, page = _stream_page(request, caller, stream_id, largest=CONTENTS_MAX)
    found = streams.entries(caller.user, [pk for pk, _ in page.ids], direction=filters.values["direction"])
    context = _context(request, caller, library)
    document = render.atom(
        stream.id,
        library.title(stream),
        found,
        context,
        continuation=page.continuation,
        self_url=request.build_absolute_uri(),
    )
    return HttpResponse(document, content_type="application/atom+xml; charset=utf-8")


@endpoint()
def not_served(request: HttpRequest, caller: Caller, rest: str) -> HttpResponse:
    """Any other call of the API: a plain 404 that says so (README.md lists what is served)."""
    return _plain(f"Not served here: /reader/api/0/{rest} (see Newsstand's Google Reader README).\n", 404)
