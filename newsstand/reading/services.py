"""Writes for reading: saves, history, follows, mutes and "more/fewer like this". Each is one small statement (or
two) a page can afford on every view."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.reading.models import (
    TOPIC_NAME_LENGTH,
    TOPIC_SLUG_LENGTH,
    ArticleSignal,
    Follow,
    FollowKind,
    HistoryEntry,
    Mute,
    MuteKind,
    SavedArticle,
)
from newsstand.reading.mutes import normal_keyword
from newsstand.reading.visits import visits
from newsstand.sources.models import Publisher
from newsstand.stories.models import Story


def save_article(user: User, article: Article, *, now: datetime) -> SavedArticle:
    """Keep the article for later; saving twice keeps the first save (and its time)."""
    saved, _ = SavedArticle.objects.get_or_create(user=user, article=article, defaults={"saved_at": now})
    return saved


def unsave_article(user: User, article: Article) -> bool:
    """Forget a save; True when there was one."""
    deleted, _ = SavedArticle.objects.filter(user=user, article=article).delete()
    return bool(deleted)


def set_saved(user: User, article: Article, *, saved: bool | None, now: datetime) -> bool:
    """Save or unsave (`saved=None` toggles) and return whether the article is saved now. An explicit state makes a
    replayed or double-sent request harmless."""
    if saved is None:
        saved = not SavedArticle.objects.filter(user=user, article=article).exists()
    if saved:
        save_article(user, article, now=now)
    else:
        unsave_article(user, article)
    return saved


def record_read(user: User, article: Article, *, now: datetime, progress: float | None = None) -> None:
    """Put the article at the top of the reader's history: one upsert per visit.

    `progress` is where the reader is in the body now (clamped to 0–1): it becomes the entry's `position` (where
    "continue reading" goes back to), and its `progress` only ever grows: a second statement raises it, leaving a
    larger value alone. Without it (a plain visit) both stay as they were."""
    if progress is None:
        record_visit(user.pk, article.pk, now=now)
        return
    progress = min(1.0, max(0.0, progress))
    start = progress
    HistoryEntry.objects.bulk_create(
        [HistoryEntry(user=user, article=article, first_read_at=now, last_read_at=now, progress=start, position=start)],
        update_conflicts=True,
        unique_fields=["user", "article"],
        update_fields=["last_read_at", "position"],
    )
    HistoryEntry.objects.filter(user=user, article=article, progress__lt=progress).update(progress=progress)


def record_visit(user_id: int, article_id: int, *, now: datetime) -> None:
    """A plain visit, as `record_read` writes it with no progress; on the page's path it is only noted, and written
    with others within a second (reading.visits)."""
    visits.note(user_id, article_id, now=now)


def write_pending_visits() -> int:
    """Write the visits this process holds (reading.visits) now: before a history is shown."""
    return visits.flush()


def forget_history(user: User) -> int:
    """Clear the reader's history; returns how many entries went."""
    deleted, _ = HistoryEntry.objects.filter(user=user).delete()
    return deleted


@dataclass(frozen=True)
class TopicRef:
    """A topic as a follow or a mute names it: its slug and the name it is shown by."""

    slug: str
    name: str = ""

    def __post_init__(self) -> None:
        if not _TOPIC_SLUG.fullmatch(self.slug or ""):
            raise ValueError("A topic is named by its slug: lower-case letters, digits and hyphens.")
        name = " ".join((self.name or "").split()) or self.slug
        if len(name) > TOPIC_NAME_LENGTH or "\x00" in name:
            raise ValueError(f"A topic's name is at most {TOPIC_NAME_LENGTH} characters.")
        object.__setattr__(self, "name", name)


_TOPIC_SLUG = re.compile(rf"[a-z0-9](?:[a-z0-9-]{{0,{TOPIC_SLUG_LENGTH - 1}}})")


def follow(
    user: User,
    *,
    publisher: Publisher | None = None,
    section: str = "",
    topic: TopicRef | None = None,
    story: Story | None = None,
    now: datetime,
) -> Follow:
    """Follow a publisher, a section, a topic or a story (exactly one); following twice is one follow (a topic's
    name is brought up to date)."""
    kind, target = _target(publisher=publisher, section=section, topic=topic, story=story)
    defaults = {"created_at": now, "topic_name": target.pop("topic_name", "")}
    found, made = Follow.objects.get_or_create(user=user, kind=kind, **target, defaults=defaults)
    if not made and topic is not None and found.topic_name != topic.name:
        found.topic_name = topic.name
        found.save(update_fields=["topic_name"])
    return found


def unfollow(
    user: User,
    *,
    publisher: Publisher | None = None,
    section: str = "",
    topic: TopicRef | None = None,
    story: Story | None = None,
) -> bool:
    """Stop following; True when there was a follow."""
    kind, target = _target(publisher=publisher, section=section, topic=topic, story=story)
    target.pop("topic_name", None)
    deleted, _ = Follow.objects.filter(user=user, kind=kind, **target).delete()
    return bool(deleted)


def set_following(
    user: User,
    *,
    publisher: Publisher | None = None,
    section: str = "",
    topic: TopicRef | None = None,
    story: Story | None = None,
    following: bool | None,
    now: datetime,
) -> bool:
    """Follow or unfollow (`following=None` toggles); returns whether the reader follows it now."""
    what = {"publisher": publisher, "section": section, "topic": topic, "story": story}
    kind, target = _target(**what)
    target.pop("topic_name", None)
    if following is None:
        following = not Follow.objects.filter(user=user, kind=kind, **target).exists()
    if following:
        follow(user, **what, now=now)
    else:
        unfollow(user, **what)
    return following


def _target(
    *, publisher: Publisher | None, section: str, topic: TopicRef | None = None, story: Story | None = None
) -> tuple[str, dict[str, object]]:
    given = [publisher is not None, bool(section), topic is not None, story is not None]
    if sum(given) != 1:
        raise ValueError("Follow a publisher, a section, a topic or a story: exactly one of them.")
    if publisher is not None:
        return FollowKind.PUBLISHER, {"publisher": publisher}
    if topic is not None:
        return FollowKind.TOPIC, {"topic_slug": topic.slug, "topic_name": topic.name}
    if story is not None:
        return FollowKind.STORY, {"story": story}
    return FollowKind.SECTION, {"section": section}


# -- mutes ------------------------------------------------------------------------------------------------------

MUTE_FOR: dict[str, timedelta | None] = {  # the choices a reader is offered; None: for good
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "forever": None,
}


def mute_until(choice: str, *, now: datetime) -> datetime | None:
    """When a mute chosen as `choice` (a key of MUTE_FOR) ends; None for good. Raises ValueError for others."""
    if choice not in MUTE_FOR:
        raise ValueError(f"Mute for how long? One of {', '.join(MUTE_FOR)}.")
    span = MUTE_FOR[choice]
    return None if span is None else now + span


def mute(
    user: User,
    *,
    publisher: Publisher | None = None,
    topic: TopicRef | None = None,
    keyword: str = "",
    until: datetime | None,
    now: datetime,
) -> Mute:
    """Mute a publisher, a topic or a keyword (exactly one) until `until` (None: for good). Muting again sets the
    new end (and a topic's name). Raises ValueError (mutes.BadKeyword for a keyword) for what cannot be muted."""
    if until is not None and until <= now:
        raise ValueError("A mute for a while ends in the future.")
    kind, target = _mute_target(publisher=publisher, topic=topic, keyword=keyword)
    extra = {"topic_name": topic.name} if topic is not None else {}
    found, _ = Mute.objects.update_or_create(
        user=user,
        kind=kind,
        **target,
        defaults={"until": until, **extra},
        create_defaults={"until": until, "created_at": now, **extra},
    )
    return found


def unmute(user: User, *, publisher: Publisher | None = None, topic: TopicRef | None = None, keyword: str = "") -> bool:
    """Stop muting; True when there was a mute (in force or not)."""
    kind, target = _mute_target(publisher=publisher, topic=topic, keyword=keyword)
    deleted, _ = Mute.objects.filter(user=user, kind=kind, **target).delete()
    return bool(deleted)


def unmute_by_id(user: User, pk: int) -> bool:
    """Remove one of the reader's own mutes by its id (the account page's list, the API); True when it was theirs."""
    deleted, _ = Mute.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def unfollow_by_id(user: User, pk: int) -> bool:
    """Remove one of the reader's own follows by its id; True when it was theirs."""
    deleted, _ = Follow.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def _mute_target(*, publisher: Publisher | None, topic: TopicRef | None, keyword: str) -> tuple[str, dict[str, object]]:
    if sum([publisher is not None, topic is not None, bool(keyword)]) != 1:
        raise ValueError("Mute a publisher, a topic or a keyword: exactly one of them.")
    if publisher is not None:
        return MuteKind.PUBLISHER, {"publisher": publisher}
    if topic is not None:
        return MuteKind.TOPIC, {"topic_slug": topic.slug}
    return MuteKind.KEYWORD, {"keyword": normal_keyword(keyword)}


# -- "more like this" / "fewer like this" ------------------------------------------------------------------------


def set_signal(user: User, article: Article, *, value: int, now: datetime) -> int:
    """Say "more like this" (1) or "fewer like this" (-1) of an article, or take it back (0); the latest word
    replaces the one before. Returns the value now held."""
    if value not in (-1, 0, 1):
        raise ValueError("A signal is 1 (more like this), -1 (fewer like this) or 0 (neither).")
    if value == 0:
        ArticleSignal.objects.filter(user=user, article=article).delete()
        return 0
    ArticleSignal.objects.update_or_create(user=user, article=article, defaults={"value": value, "at": now})
    return value
