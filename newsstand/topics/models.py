"""Topics: the people, places, organisations and subjects articles are about (topics.extraction finds them as an
article is stored). A topic is one row per slug, so "U.S." and "United States" land on one page; an article's
topics carry a weight (how much of its opening is about them), and a list of them is the article's order."""

from __future__ import annotations

from django.db import models

from newsstand.articles.models import Article


class TopicKind(models.TextChoices):
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    ORGANISATION = "organisation", "Organisation"
    SUBJECT = "subject", "Subject"


class Topic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.CharField(max_length=120, unique=True, help_text="topics.extraction.slug_of the name")
    kind = models.CharField(max_length=16, choices=TopicKind.choices, default=TopicKind.SUBJECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ArticleTopic(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")
    weight = models.FloatField(default=0.0, help_text="The topic's share of the article's opening, 0-1.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="article_topic_once")]
        indexes = [models.Index(fields=["topic", "article"], name="topic_articles")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.topic_id}"
