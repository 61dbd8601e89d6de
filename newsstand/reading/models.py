"""Reading: what a signed-in reader keeps (saves), has read (history), follows (publishers, sections, topics,
stories), mutes (publishers, topics, keywords) and says of articles ("more/fewer like this").

Every table is per reader and small; each is read by the reader's own pages through one indexed query. Topics are
named by slug and display name (strings), not by a key into a topics table: a follow or a mute of a topic stands on
its own, whatever extracts topics (a topic that is no longer extracted still names what the reader chose).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher
from newsstand.stories.models import Story

TOPIC_SLUG_LENGTH = 100
TOPIC_NAME_LENGTH = 200
KEYWORD_LENGTH = 60


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
    TOPIC = "topic", "Topic"
    STORY = "story", "Story"


class Follow(models.Model):
    """A publisher, a section, a topic or a story ("updates on this story") a reader follows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=16, choices=FollowKind.choices)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=100, blank=True)
    topic_slug = models.CharField(max_length=TOPIC_SLUG_LENGTH, blank=True)
    topic_name = models.CharField(max_length=TOPIC_NAME_LENGTH, blank=True)
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Exactly one target, matching the kind.
            models.CheckConstraint(
                condition=(
                    Q(kind=FollowKind.PUBLISHER, publisher__isnull=False, section="", topic_slug="", story=None)
                    | Q(kind=FollowKind.SECTION, publisher=None, topic_slug="", story=None) & ~Q(section="")
                    | Q(kind=FollowKind.TOPIC, publisher=None, section="", story=None) & ~Q(topic_slug="")
                    | Q(kind=FollowKind.STORY, publisher=None, section="", topic_slug="", story__isnull=False)
                ),
                name="follow_one_target_of_four",
            ),
            models.UniqueConstraint(
                fields=["user", "publisher"], condition=Q(kind=FollowKind.PUBLISHER), name="follow_publisher_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "section"], condition=Q(kind=FollowKind.SECTION), name="follow_section_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "topic_slug"], condition=Q(kind=FollowKind.TOPIC), name="follow_topic_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "story"], condition=Q(kind=FollowKind.STORY), name="follow_story_unique"
            ),
        ]

    def __str__(self) -> str:
        target = {
            FollowKind.PUBLISHER: self.publisher_id,
            FollowKind.SECTION: self.section,
            FollowKind.TOPIC: self.topic_slug,
            FollowKind.STORY: self.story_id,
        }[self.kind]
        return f"{self.user_id} follows {self.kind} {target}"


class MuteKind(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    TOPIC = "topic", "Topic"
    KEYWORD = "keyword", "Keyword"


class Mute(models.Model):
    """A publisher, a topic or a keyword the reader does not want to see anywhere personal, until `until` (for a
    while) or for good (`until` empty). An expired mute is kept (it is the reader's record, in their export) and
    hides nothing; muting the same thing again sets its new end. Keywords are kept lower-cased (reading.mutes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes")
    kind = models.CharField(max_length=16, choices=MuteKind.choices)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic_slug = models.CharField(max_length=TOPIC_SLUG_LENGTH, blank=True)
    topic_name = models.CharField(max_length=TOPIC_NAME_LENGTH, blank=True)
    keyword = models.CharField(max_length=KEYWORD_LENGTH, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=MuteKind.PUBLISHER, publisher__isnull=False, topic_slug="", keyword="")
                    | Q(kind=MuteKind.TOPIC, publisher=None, keyword="") & ~Q(topic_slug="")
                    | Q(kind=MuteKind.KEYWORD, publisher=None, topic_slug="") & ~Q(keyword="")
                ),
                name="mute_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "publisher"], condition=Q(kind=MuteKind.PUBLISHER), name="mute_publisher_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "topic_slug"], condition=Q(kind=MuteKind.TOPIC), name="mute_topic_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "keyword"], condition=Q(kind=MuteKind.KEYWORD), name="mute_keyword_unique"
            ),
        ]

    def __str__(self) -> str:
        target = self.publisher_id if self.kind == MuteKind.PUBLISHER else self.topic_slug or self.keyword
        return f"{self.user_id} mutes {self.kind} {target} until {self.until or 'for good'}"


class ArticleSignal(models.Model):
    """What a reader said of an article: "more like this" (+1) or "fewer like this" (-1), their latest word only
    (one row per reader and article). How far they read is the other signal, kept in their history
    (HistoryEntry.progress and position, from the article page's progress beacon)."""

    MORE = 1
    FEWER = -1

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_signals")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="signals")
    value = models.SmallIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="article_signal_unique"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="article_signal_more_or_fewer"),
        ]
        indexes = [models.Index(fields=["user", "-at"], name="signal_user_date_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {'more' if self.value > 0 else 'fewer'} like {self.article_id}"
