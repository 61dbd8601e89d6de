"""Stories: one news event, many publishers. Articles point at their story (articles.Article.story) and at the
earlier copy they syndicate (Article.duplicate_of); this app keeps the story rows and each article's features."""

from __future__ import annotations

from django.db import models

from newsstand.articles.models import Article


class Story(models.Model):
    headline = models.TextField(help_text="The representative article's headline: chosen, never invented.")
    lead = models.TextField(blank=True)
    lead_image_url = models.URLField(max_length=2000, blank=True)
    representative = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    section = models.CharField(max_length=100, blank=True)

    article_count = models.PositiveIntegerField(default=0)
    publisher_count = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(help_text="Earliest publication time of its articles.")
    last_seen_at = models.DateTimeField(db_index=True, help_text="Latest publication time of its articles.")
    velocity = models.FloatField(default=0.0, help_text="Articles per hour over the last hours of coverage.")

    # Ranking: rank_key orders Top stories without recomputation as time passes (see stories.ranking).
    rank_key = models.FloatField(default=0.0, db_index=True)
    editorial_boost = models.FloatField(default=0.0, help_text="Added by editors; 0 = none.")

    # Clustering state (stories.clustering): the centroid's strongest terms and the named entities.
    centroid = models.JSONField(default=dict, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    related_ids = models.JSONField(
        default=list, blank=True, help_text="Related stories, best first: made by the story worker, read by pages."
    )
    related_at = models.DateTimeField(null=True, blank=True, help_text="When related_ids was made; null: never.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-rank_key"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["merged_into", "-rank_key"], name="story_rank_idx")]

    def __str__(self) -> str:
        return self.headline


ENTITY_LENGTH = 200  # longer names are cut to this in the index (entity names are a few words)


class StoryEntity(models.Model):
    """One named entity of a live story, with the story's time span: the index related stories are found by
    (stories.selectors.related_stories reads the stories sharing an entity instead of scanning a fortnight of
    stories). Written with the story (stories.services.index_entities); a merged story's rows go with the merge."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    entity = models.CharField(max_length=ENTITY_LENGTH)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "entity"], name="story_entity_unique")]
        # Covering: the related-stories query reads nothing else of the row.
        indexes = [
            models.Index(fields=["entity", "last_seen_at", "first_seen_at", "story"], name="story_entity_window_idx")
        ]

    def __str__(self) -> str:
        return f"{self.entity} in story {self.story_id}"


class ArticleFeatures(models.Model):
    """What clustering computed for an article, kept so that stories can be re-evaluated and rebuilt."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="features")
    terms = models.JSONField(default=dict, help_text="term → weight (before IDF)")
    entities = models.JSONField(default=list)
    minhash = models.BinaryField(blank=True, default=b"", help_text="MinHash signature of the body shingles")
    full_text = models.BooleanField(
        default=False, help_text="Computed from the full text (re-evaluate when it arrives)"
    )
    computed_at = models.DateTimeField()
    word_count = models.PositiveIntegerField(default=0, help_text="Words in the signed text (syndication)")
    text_key = models.CharField(max_length=16, blank=True, help_text="Hash of the whole folded text (short copies)")

    def __str__(self) -> str:
        return f"features of {self.article_id}"


class ClusteringState(models.Model):
    """One row: the lock that serialises story assignment across workers, and the version that tells a worker its
    in-memory engine is stale (another worker assigned since)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"clustering state v{self.version}"
