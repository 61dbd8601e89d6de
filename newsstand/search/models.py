"""The search index's own table: one plain-text document per article, kept by `services.index_articles`.

The articles app's tables are never altered. Each database indexes this table its own way (migration 0001):
SQLite keeps an FTS5 external-content table over it, synced by triggers; PostgreSQL a generated, weighted
`tsvector` column with a GIN index. Filters and the recency boost read the copied publisher, section and date
here, so a search touches one table.
"""

from __future__ import annotations

from django.db import models

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher


class SearchDocument(models.Model):
    # No database constraint: the articles app stays free to delete rows its own way; a missing article only
    # drops out of results (the page reads articles by id) until the next `reindex-search` sweeps it.
    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    section = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField()

    title = models.TextField()
    summary = models.TextField(blank=True, help_text="Plain text of the sanitised summary.")
    body = models.TextField(blank=True, help_text="Plain text of the body, capped at services.MAX_BODY_CHARS.")
    publisher_name = models.TextField(blank=True)
    author = models.TextField(blank=True)
    teaser = models.TextField(blank=True, help_text="Plain text of the teaser: what readers without access search.")
    # SQLite only: filter tokens ("p12 s3f2a…") so a publisher or section filter is part of the FTS5 match.
    facets = models.TextField(blank=True)

    class Meta:
        db_table = "search_document"
        indexes = [
            models.Index(fields=["publisher", "-published_at"], name="search_doc_pub_date_idx"),
            models.Index(fields=["section", "-published_at"], name="search_doc_section_date_idx"),
            models.Index(fields=["-published_at"], name="search_doc_date_idx"),
        ]

    def __str__(self) -> str:
        return self.title
