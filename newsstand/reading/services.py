"""Writes for reading: saves, history, follows. Each is one small statement a page can afford on every view."""

from __future__ import annotations

from datetime import datetime

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.reading.models import Follow, FollowKind, HistoryEntry, SavedArticle
from newsstand.reading.visits import visits
from newsstand.sources.models import Publisher


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


def follow(user: User, *, publisher: Publisher | None = None, section: str = "", now: datetime) -> Follow:
    """Follow a publisher or a section (exactly one); following twice is one follow."""
    kind, target = _target(publisher=publisher, section=section)
    found, _ = Follow.objects.get_or_create(user=user, kind=kind, **target, defaults={"created_at": now})
    return found


def unfollow(user: User, *, publisher: Publisher | None = None, section: str = "") -> bool:
    """Stop following; True when there was a follow."""
    kind, target = _target(publisher=publisher, section=section)
    deleted, _ = Follow.objects.filter(user=user, kind=kind, **target).delete()
    return bool(deleted)


def set_following(
    user: User, *, publisher: Publisher | None = None, section: str = "", following: bool | None, now: datetime
) -> bool:
    """Follow or unfollow (`following=None` toggles); returns whether the reader follows it now."""
    kind, target = _target(publisher=publisher, section=section)
    if following is None:
        following = not Follow.objects.filter(user=user, kind=kind, **target).exists()
    if following:
        follow(user, publisher=publisher, section=section, now=now)
    else:
        unfollow(user, publisher=publisher, section=section)
    return following


def _target(*, publisher: Publisher | None, section: str) -> tuple[str, dict[str, object]]:
    if (publisher is None) == (not section):
        raise ValueError("Follow a publisher or a section: exactly one of them.")
    if publisher is not None:
        return FollowKind.PUBLISHER, {"publisher": publisher}
    return FollowKind.SECTION, {"section": section}
