"""Subscriptions: a reader's feeds (each in one of their categories) and what they have read of them.

Starred is not here: an article saved on the web (reading.SavedArticle) is an article starred in a reader app, so
both say the same thing through reading.services. What the reader marked is one ReadState row per (reader, article)
they marked read or unread. Whether an entry is unread at all is kept as a row too (UnreadEntry, one per unread
entry, as Miniflux keeps a status per entry): the reader apps ask "what is unread" on every sync, and answering that
from the marks alone means walking every entry past every read one (selectors' docstring has the numbers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from newsstand.articles.models import Article
from newsstand.sources.models import Feed

DEFAULT_CATEGORY = "All"


class Category(models.Model):
    """A reader's folder of subscriptions (a tag in Google Reader, a group in Fever). Every reader has one default
    category (`default`), made on first need, where subscriptions go unless put elsewhere; it cannot be deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(max_length=200)
    default = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint("user", Lower("title"), name="category_title_ci_unique"),
            models.UniqueConstraint(fields=["user"], condition=Q(default=True), name="category_one_default"),
        ]

    def __str__(self) -> str:
        return self.title


class Subscription(models.Model):
    """That a reader follows a feed in their reader apps. `title` is the reader's own name for it (blank: the
    feed's or its publisher's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="subscriptions")
    # RESTRICT, not PROTECT: a category goes with its subscriptions when the account does; alone, it must be emptied
    # first (services.delete_category moves its feeds to the default category).
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="subscriptions")
    title = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    # The backlog: entries published before this count as read (created_at less NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS,
    # fixed when the subscription is made), unless the reader marks one unread.
    unread_since = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "feed"], name="subscription_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} subscribes to {self.feed_id}"

    @property
    def display_title(self) -> str:
        """What apps show: the reader's rename, else the feed's title, else its publisher's name, else its URL."""
        feed = self.feed
        return self.title or feed.title or feed.publisher.name or feed.url


class ReadState(models.Model):
    """A reader marked an article read (or unread again: `read=False` keeps when, for "kept unread")."""

    # No index of its own for the user: the unique (user, article) index leads with it, and a second one on the
    # user alone tempted PostgreSQL into scanning a reader's every mark per entry when it misjudged their number.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states", db_index=False
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_states")
    read = models.BooleanField(default=True)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="read_state_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {'read' if self.read else 'unread'} {self.article_id}"


class UnreadEntry(models.Model):
    """One of the reader's entries that is unread, listed under `feed` (the lowest-numbered subscribed feed that
    sighted it) and ordered by `published_at` (the article's, copied): the reader's unread list, counts and id lists
    are ranges of these rows' indexes, however many entries the reader has read or has in all.

    Derived, never edited by hand: services keep it equal to its definition (an entry is unread when the reader
    marked it unread, or did not mark it read and it was published on or after `unread_since` of a subscription
    to a feed that sighted it) as subscriptions, marks and sightings change; `services.rebuild_unread` makes it
    again from that definition."""

    # No index of its own for the user: the unique (user, article) index leads with it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="unread_entry_unique")]
        indexes = [
            models.Index(fields=["user", "published_at", "article"], name="unread_user_date_idx"),
            models.Index(fields=["user", "feed", "published_at"], name="unread_user_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} has {self.article_id} unread"
