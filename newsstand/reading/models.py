"""Reading: what a signed-in reader keeps (saves), has read (history) and follows (publishers, sections).

Every table is per reader and small; each is read by the reader's own pages through one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher


class SavedArticle(models.Model):
    """An article a reader kept to read later (and offline)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_articles")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="saves")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="saved_article_unique")]
        indexes = [models.Index(fields=["user", "-saved_at"], name="saved_user_date_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.article_id}"


class HistoryEntry(models.Model):
    """One line of a reader's history: one row per (reader, article), moved to the top on each visit.

    Two points in the article body (0–1), both reported by the page: `progress` is the furthest the reader got and
    only grows, so re-opening a finished article does not put it back into "continue reading"; `position` is where
    they were last, which is where "continue reading" takes them back to (a reader who scrolled back up to re-read
    a passage goes on from there, not from further down)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="history")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    first_read_at = models.DateTimeField()
    last_read_at = models.DateTimeField()
    progress = models.FloatField(default=0.0)
    position = models.FloatField(default=0.0)

    class Meta:
        verbose_name_plural = "history entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="history_entry_unique"),
            models.CheckConstraint(condition=Q(progress__gte=0.0, progress__lte=1.0), name="history_progress_0_1"),
            models.CheckConstraint(condition=Q(position__gte=0.0, position__lte=1.0), name="history_position_0_1"),
        ]
        indexes = [models.Index(fields=["user", "-last_read_at"], name="history_user_date_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.article_id}"


class FollowKind(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    SECTION = "section", "Section"


class Follow(models.Model):
    """A publisher or a section a reader follows: what "For you" is made of until personalisation arrives."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=16, choices=FollowKind.choices)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Exactly one target, matching the kind.
            models.CheckConstraint(
                condition=(
                    Q(kind=FollowKind.PUBLISHER, publisher__isnull=False, section="")
                    | Q(kind=FollowKind.SECTION, publisher__isnull=True) & ~Q(section="")
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "publisher"], condition=Q(kind=FollowKind.PUBLISHER), name="follow_publisher_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "section"], condition=Q(kind=FollowKind.SECTION), name="follow_section_unique"
            ),
        ]

    def __str__(self) -> str:
        target = self.publisher_id if self.kind == FollowKind.PUBLISHER else self.section
        return f"{self.user_id} follows {self.kind} {target}"
