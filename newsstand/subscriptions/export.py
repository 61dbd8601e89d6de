"""The reader's subscriptions, categories and read states in their data export (registered at start-up)."""

from __future__ import annotations

from typing import Any

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.reading.export import ARTICLE_FIELDS, article_of
from newsstand.subscriptions.models import Category, ReadState, Subscription


def subscriptions(user: User) -> list[dict[str, Any]]:
    rows = Subscription.objects.filter(user=user).select_related("feed__publisher", "category").order_by("created_at")
    return [
        {
            "feed_url": sub.feed.url,
            "title": sub.display_title,
            "publisher": sub.feed.publisher.name,
            "category": sub.category.title,
            "subscribed_at": sub.created_at,
        }
        for sub in rows
    ]


def categories(user: User) -> list[dict[str, Any]]:
    rows = Category.objects.filter(user=user).order_by("created_at", "id").values("title", "default", "created_at")
    return [{"title": row["title"], "default": row["default"], "created_at": row["created_at"]} for row in rows]


def read_states(user: User) -> list[dict[str, Any]]:
    rows = ReadState.objects.filter(user=user).order_by("-changed_at", "-id")
    rows = rows.values("read", "changed_at", *ARTICLE_FIELDS)
    return [{"read": row["read"], "changed_at": row["changed_at"], "article": article_of(row)} for row in rows]


def register() -> None:
    export.register("subscriptions", subscriptions)
    export.register("categories", categories)
    export.register("read_states", read_states)
