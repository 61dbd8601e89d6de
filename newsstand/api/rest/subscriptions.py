"""The caller's subscriptions, categories, entries and read state: what every reader app syncs, in the REST API's
shape. Signed-in callers only; every read and write is newsstand.subscriptions' (the same the Miniflux, Google
Reader and Fever APIs call), so a feed marked read here is read in the caller's apps too.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import Path, Query

from newsstand.accounts.models import User
from newsstand.api.rest import cursors, schemas
from newsstand.api.rest.articles import ERRORS, LARGEST_ID, Cursor, Limit
from newsstand.api.rest.errors import Error
from newsstand.api.rest.security import SIGNED_IN, signed_in
from newsstand.core import clock
from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.errors import SubscriptionError
from newsstand.subscriptions.models import Category, Subscription

router = Router(auth=SIGNED_IN, tags=["subscriptions"])
WRITE_ERRORS = {(400, 401, 403, 404, 409, 422, 429): Error}
Id = Path(..., ge=1, le=LARGEST_ID)


def _category(category: Category) -> dict:
    return {"id": category.pk, "title": category.title, "default": category.default}


def _subscription(found: Subscription) -> dict:
    feed = found.feed
    return {
        "id": found.pk,
        "title": found.display_title,
        "feed_id": feed.pk,
        "feed_url": feed.url,
        "publisher": schemas.publisher_ref(feed.publisher),
        "category": _category(found.category),
        "private": feed.private,
        "created_at": found.created_at,
    }


def _own_category(user: User, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    for category in selectors.categories(user):
        if category.pk == category_id:
            return category
    raise SubscriptionError("not_found", "There is no such category.")


@router.get("/subscriptions", response={200: list[schemas.Subscription], **ERRORS})
def list_subscriptions(request: HttpRequest):
    """Every subscription of the caller, by title (a reader has at most NEWSSTAND_SUBSCRIPTIONS_MAX)."""
    return [_subscription(s) for s in selectors.subscriptions(signed_in(request))]


@router.post("/subscriptions", response={201: schemas.Subscription, **WRITE_ERRORS})
def subscribe(request: HttpRequest, body: schemas.SubscriptionIn):
    """Subscribe to a feed by its address (or a site's). A feed the catalogue does not carry becomes the caller's
    private source: members only (403 `not_allowed` otherwise), within their caps (409 `cap_reached`)."""
    user = signed_in(request)
    category = _own_category(user, body.category_id)
    made = services.subscribe(user, body.url, category=category, title=body.title, now=clock.now())
    return Status(201, _subscription(selectors.subscription(user, made.pk)))


@router.get("/subscriptions/{pk}", response={200: schemas.Subscription, **ERRORS})
def get_subscription(request: HttpRequest, pk: int = Id):
    found = selectors.subscription(signed_in(request), pk)
    if found is None:
        raise SubscriptionError("not_found", "There is no such subscription.")
    return _subscription(found)


@router.patch("/subscriptions/{pk}", response={200: schemas.Subscription, **WRITE_ERRORS})
def update_subscription(request: HttpRequest, body: schemas.SubscriptionPatch, pk: int = Id):
    """Rename (`title`; "" for the feed's own) or move (`category_id`) a subscription."""
    user = signed_in(request)
    services.update_subscription(user, pk, title=body.title, category=_own_category(user, body.category_id))
    return _subscription(selectors.subscription(user, pk))


@router.delete("/subscriptions/{pk}", response={204: None, **WRITE_ERRORS})
def unsubscribe(request: HttpRequest, pk: int = Id):
    services.unsubscribe(signed_in(request), pk)
    return Status(204, None)


@router.get("/categories", response={200: list[schemas.Category], **ERRORS})
def categories(request: HttpRequest):
    """The caller's categories, the default one first."""
    return [_category(c) for c in selectors.categories(signed_in(request))]


@router.post("/categories", response={201: schemas.Category, **WRITE_ERRORS})
def create_category(request: HttpRequest, body: schemas.CategoryIn):
    made = services.create_category(signed_in(request), body.title, now=clock.now())
    return Status(201, _category(made))


@router.patch("/categories/{pk}", response={200: schemas.Category, **WRITE_ERRORS})
def rename_category(request: HttpRequest, body: schemas.CategoryIn, pk: int = Id):
    return _category(services.rename_category(signed_in(request), pk, body.title))


@router.delete("/categories/{pk}", response={204: None, **WRITE_ERRORS})
def delete_category(request: HttpRequest, pk: int = Id):
    """Delete a category; its subscriptions move to the default one (which cannot be deleted)."""
    services.delete_category(signed_in(request), pk)
    return Status(204, None)


@router.get("/entries", response={200: schemas.EntryPage, **ERRORS}, tags=["read state"])
def entries(
    request: HttpRequest,
    feed_id: int | None = Query(None, ge=1, le=LARGEST_ID),
    category_id: int | None = Query(None, ge=1, le=LARGEST_ID),
    status: Literal["read", "unread"] | None = None,
    starred: bool | None = None,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The articles of the caller's subscriptions, newest stored first, each once (under the lowest-numbered of
    the caller's feeds that carried it), with its read and starred state."""
    before_id = cursors.read(cursor, "id")[0] if cursor else None
    page = selectors.entries(
        signed_in(request),
        feed_id=feed_id,
        category_id=category_id,
        status=status,
        starred=starred,
        before_id=before_id,
        order="id",
        direction="desc",
        limit=limit + 1,
        with_total=False,
    )
    found = page.items[:limit]
    after = cursors.encode(found[-1].article.pk) if len(page.items) > limit else None
    items = [
        {"article": schemas.article_item(e.article), "feed_id": e.feed_id, "read": e.read, "starred": e.starred}
        for e in found
    ]
    return {"items": items, "next_cursor": after}


@router.put("/read-state", response={200: schemas.Changed, **WRITE_ERRORS}, tags=["read state"])
def set_read(request: HttpRequest, body: schemas.ReadStateIn):
    """Mark entries read or unread; ids outside the caller's subscriptions are ignored. Returns how many changed."""
    changed = services.set_read(signed_in(request), body.article_ids, body.read, now=clock.now())
    return {"changed": changed}


@router.post("/read-state/mark-all", response={200: schemas.Changed, **WRITE_ERRORS}, tags=["read state"])
def mark_all_read(request: HttpRequest, body: schemas.MarkAllIn):
    """Mark read everything of the caller's (or of one feed, or one category), published before `before` if given."""
    changed = services.mark_all_read(
        signed_in(request), feed_id=body.feed_id, category_id=body.category_id, before=body.before, now=clock.now()
    )
    return {"changed": changed}
