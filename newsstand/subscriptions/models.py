"""Subscriptions: a reader's feeds (each in one of their categories) and what they have read of them.

Starred is not here: an article saved on the web (reading.SavedArticle) is an article starred in a reader app, so
both say the same thing through reading.services. Read state is one row per (reader, article) the reader marked;
no row means unread, so a new subscription costs no rows however many articles its feed has.
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_states")
    read = models.BooleanField(default=True)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="read_state_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {'read' if self.read else 'unread'} {self.article_id}"
