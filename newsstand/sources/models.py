"""Sources: who publishes (Publisher) and where we read them (Feed, with its fetch state)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(max_length=2000, blank=True)
    logo_url = models.URLField(max_length=2000, blank=True, help_text="The feed's image, shown on its pages.")
    description = models.TextField(
        blank=True, help_text="Who they are, in a sentence or two: from the feed's channel until staff write one."
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47, e.g. en-GB")
    weight = models.FloatField(default=1.0, help_text="Editorial weight used by ranking.")
    private = models.BooleanField(
        default=False,
        help_text="Made for a member's private source (sources.private): on no public page until staff promote it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FullTextMode(models.TextChoices):
    NEVER = "never", "Use the feed's content"
    AUTO = "auto", "Fetch the page when the entry has only a summary"
    ALWAYS = "always", "Always fetch and extract the page"


class FeedStatus(models.TextChoices):
    NEW = "new", "Not fetched yet"
    OK = "ok", "Healthy"
    ERROR = "error", "Failing"
    DISABLED = "disabled", "Disabled"


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="feeds")
    title = models.CharField(max_length=500, blank=True)
    section = models.CharField(max_length=100, blank=True)
    full_text = models.CharField(max_length=8, choices=FullTextMode.choices, default=FullTextMode.AUTO)
    active = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=FeedStatus.choices, default=FeedStatus.NEW, db_index=True)
    publisher_guessed = models.BooleanField(
        default=False,
        help_text="Placed without knowing the feed's site (no htmlUrl); its first successful fetch places it again "
        "by the channel's link and title (sources.identity, rule 4).",
    )
    private = models.BooleanField(
        default=False,
        help_text="A member's private source (sources.private): its articles reach only its subscribers until staff "
        "promote it to the catalogue.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member who first subscribed to it as a private source.",
    )

    # Conditional GET validators from the last 200.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Health, shown by `newsstand feeds` and the admin.
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    entries_seen = models.PositiveIntegerField(default=0)

    # Schedule: adaptive interval, next due time, and the lease that keeps two crawlers apart.
    interval_seconds = models.PositiveIntegerField(default=3600)
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publisher__name", "url"]
        indexes = [models.Index(fields=["active", "next_fetch_at"], name="feed_due_idx")]

    def __str__(self) -> str:
        return self.title or self.url
