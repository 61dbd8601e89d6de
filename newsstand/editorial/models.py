"""Editorial: what the newsroom puts on the front by hand. For now "Our Picks": a short, staff-edited list."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsstand.articles.models import Article
from newsstand.stories.models import Story


class Pick(models.Model):
    """One of "Our Picks": an article or a whole story, shown in `position` order between `starts_at` and
    `ends_at` (open-ended when empty)."""

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    note = models.CharField(max_length=300, blank=True, help_text="Why we picked it, in a line (shown).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until removed.")

    class Meta:
        ordering = ["position", "-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, story__isnull=True) | Q(article__isnull=True, story__isnull=False),
                name="pick_article_or_story",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def clean(self) -> None:
        if (self.article_id is None) == (self.story_id is None):
            raise ValidationError("Pick an article or a story (one of them, not both).")
        if self.ends_at is not None and self.starts_at is not None and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The pick must end after it starts."})

    @property
    def headline(self) -> str:
        if self.article_id:
            return self.article.title
        return self.story.headline if self.story_id else "(nothing picked)"

    @property
    def image_url(self) -> str:
        return self.article.lead_image_url if self.article_id else self.story.lead_image_url
