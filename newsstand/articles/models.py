"""Articles: clean, deduplicated, stored once however many feeds carry them (see articles.identity)."""

from __future__ import annotations

from django.db import models

from newsstand.core.html import CleanHtml
from newsstand.sources.models import Feed, Publisher


class CleanHtmlField(models.TextField):
    """Trusted HTML, read back as CleanHtml (core.html): the store stage writes these columns from the sanitize
    stage's CleanEntry, and what else rewrites them (ingest.backfill) only removes from what is there. Pages trust
    the value by its type, never by a mark_safe where it is shown. Forms get it as a plain str, so an edit box
    escapes it as it did before."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> CleanHtml | None:
        return None if value is None else CleanHtml(value)

    def value_from_object(self, obj: models.Model) -> str | None:
        value = super().value_from_object(obj)
        return None if value is None else str.__str__(value)


class Article(models.Model):
    identity = models.CharField(max_length=64, unique=True, help_text="articles.identity.identity_key")
    url = models.URLField(max_length=2000)
    canonical_url = models.URLField(max_length=2000, blank=True)
    guid = models.CharField(max_length=2000, blank=True)
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="articles")
    feeds = models.ManyToManyField(Feed, through="ArticleFeed", related_name="articles")

    title = models.TextField()
    summary = CleanHtmlField(blank=True, help_text="Sanitised standfirst / feed summary.")
    body_html = CleanHtmlField(blank=True, help_text="Sanitised body; trusted HTML.")
    text = models.TextField(blank=True, help_text="The body as plain text.")
    author = models.CharField(max_length=500, blank=True)
    section = models.CharField(max_length=100, blank=True)
    categories = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=16, blank=True)
    word_count = models.PositiveIntegerField(default=0)

    lead_image_url = models.URLField(max_length=2000, blank=True)
    lead_image_caption = models.TextField(blank=True)
    lead_image_credit = models.CharField(max_length=500, blank=True)

    published_at = models.DateTimeField(db_index=True, help_text="From the feed; first-seen time when missing.")
    first_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    content_hash = models.CharField(max_length=32)
    source_hash = models.CharField(max_length=32, blank=True, help_text="The feed entry's hash, before extraction.")
    full_text = models.BooleanField(default=False, help_text="The body came from the article page.")
    # Set by the stories app (referenced by label: articles does not import stories).
    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The syndicated original.",
    )
    extraction_error = models.CharField(max_length=500, blank=True)
    private = models.BooleanField(
        default=False,
        help_text="Sighted only by private sources (sources.private): shown to their subscribers, on no public page. "
        "Set by the store stage; a public sighting or a promotion clears it.",
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["publisher", "-published_at"], name="article_pub_date_idx"),
            models.Index(fields=["section", "-published_at"], name="article_section_date_idx"),
            models.Index(fields=["author", "-published_at"], name="article_author_date_idx"),
            # Few articles are copies: a partial index stays small and keeps the planner using it after ANALYZE.
            models.Index(
                fields=["duplicate_of"], name="article_copies_idx", condition=models.Q(duplicate_of__isnull=False)
            ),
            # Few articles are private: the public lists' counts subtract them by this (articles.selectors).
            models.Index(fields=["published_at"], name="article_private_idx", condition=models.Q(private=True)),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleFeed(models.Model):
    """That a feed carried an article, under which GUID and link: dedup keeps every source."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sightings")
    # Indexed by (feed, published_at, article) below, which serves the feed's lookups as well.
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="sightings", db_index=False)
    guid = models.CharField(max_length=2000, blank=True)
    link = models.URLField(max_length=2000, blank=True)
    first_seen_at = models.DateTimeField()
    # The article's publication time, copied (the store stage writes both, in one transaction): a feed's articles
    # newest first are then a range of one index, as reader apps list a feed (subscriptions.selectors), instead of
    # a walk over every article for the few that are the feed's.
    published_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "feed"], name="article_feed_unique")]
        indexes = [models.Index(fields=["feed", "published_at", "article"], name="sighting_feed_date_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} in feed {self.feed_id}"

    def save(self, *args, **kwargs) -> None:
        # A sighting saved through the ORM (the admin, tests) copies its article's time, as the store stage does.
        if self.published_at is None:
            self.published_at = self.article.published_at
        super().save(*args, **kwargs)
