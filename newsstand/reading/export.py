"""The reader's saves, history, follows, mutes and "more/fewer like this" in their data export (registered with accounts.export at start-up).

Articles are named by their headline, publisher and original URL as well as by id, so the export still means
something outside Newsstand, with their topics' names (`topics`)."""

from __future__ import annotations

from typing import Any

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.reading.models import ArticleSignal, Follow, FollowKind, HistoryEntry, Mute, MuteKind, SavedArticle
from newsstand.topics import selectors as topics

ARTICLE_FIELDS = ("article_id", "article__title", "article__url", "article__publisher__name")


def article_of(row: dict[str, Any]) -> dict[str, Any]:
    """An exported article, from a row holding ARTICLE_FIELDS (other exports of reading activity use it too); its
    `topics` are filled by `with_topics`."""
    return {
        "id": row["article_id"],
        "title": row["article__title"],
        "url": row["article__url"],
        "publisher": row["article__publisher__name"],
        "topics": [],
    }


def with_topics(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item's `article` given its topics' names, weightiest first: one query per 500 articles."""
    names = topics.names_by_article([item["article"]["id"] for item in items])
    for item in items:
        item["article"]["topics"] = names.get(item["article"]["id"], [])
    return items


def saved_articles(user: User) -> list[dict[str, Any]]:
    rows = SavedArticle.objects.filter(user=user).order_by("-saved_at").values("saved_at", *ARTICLE_FIELDS)
    return with_topics([{"saved_at": row["saved_at"], "article": article_of(row)} for row in rows])


def history(user: User) -> list[dict[str, Any]]:
    rows = HistoryEntry.objects.filter(user=user).order_by("-last_read_at")
    rows = rows.values("first_read_at", "last_read_at", "progress", "position", *ARTICLE_FIELDS)
    return with_topics(
        [
            {
                "first_read_at": row["first_read_at"],
                "last_read_at": row["last_read_at"],
                "progress": row["progress"],
                "position": row["position"],
                "article": article_of(row),
            }
            for row in rows
        ]
    )


def follows(user: User) -> list[dict[str, Any]]:
    rows = (
        Follow.objects.filter(user=user)
        .order_by("created_at", "id")
        .values(
            "kind",
            "publisher__name",
            "section",
            "topic_slug",
            "topic_name",
            "story_id",
            "story__headline",
            "created_at",
        )
    )
    return [{"kind": row["kind"], **_follow_target(row), "followed_at": row["created_at"]} for row in rows]


def _follow_target(row: dict[str, Any]) -> dict[str, Any]:
    if row["kind"] == FollowKind.PUBLISHER:
        return {"name": row["publisher__name"]}
    if row["kind"] == FollowKind.TOPIC:
        return {"name": row["topic_name"] or row["topic_slug"], "slug": row["topic_slug"]}
    if row["kind"] == FollowKind.STORY:
        return {"name": row["story__headline"], "story_id": row["story_id"]}
    return {"name": row["section"]}


def mutes(user: User) -> list[dict[str, Any]]:
    """Every mute, in force or ended (`until` in the past): the reader's record of what they chose."""
    rows = (
        Mute.objects.filter(user=user)
        .order_by("created_at", "id")
        .values("kind", "publisher__name", "topic_slug", "topic_name", "keyword", "until", "created_at")
    )
    return [
        {
            "kind": row["kind"],
            "name": {
                MuteKind.PUBLISHER: row["publisher__name"],
                MuteKind.TOPIC: row["topic_name"] or row["topic_slug"],
            }.get(row["kind"], row["keyword"]),
            **({"slug": row["topic_slug"]} if row["kind"] == MuteKind.TOPIC else {}),
            "muted_at": row["created_at"],
            "until": row["until"],
        }
        for row in rows
    ]


def signals(user: User) -> list[dict[str, Any]]:
    """ "More like this" and "fewer like this", latest first (how far each article was read is in `history`)."""
    rows = ArticleSignal.objects.filter(user=user).order_by("-at", "-id").values("value", "at", *ARTICLE_FIELDS)
    return [
        {
            "signal": "more like this" if row["value"] > 0 else "fewer like this",
            "at": row["at"],
            "article": article_of(row),
        }
        for row in rows
    ]


def register() -> None:
    export.register("saved_articles", saved_articles)
    export.register("history", history)
    export.register("follows", follows)
    export.register("mutes", mutes)
    export.register("signals", signals)
