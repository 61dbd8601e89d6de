"""Reads for publishers: one row per member, article and UTC day on which that member really read it.

A row is written only when `rules.decide` says a claim counts; the unique constraint makes the insert idempotent
(a second claim on the same day, or two racing, leave one row). `reader` keeps the member's id after the account
is deleted (the foreign key goes null), so a month's report does not change once it has been paid out.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher


class Read(models.Model):
    reader = models.BigIntegerField(help_text="The member's user id at the time (kept if the account goes).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    # The article's publisher when it was read: the report groups by it without a join through articles.
    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="UTC day of the read.")
    read_at = models.DateTimeField()
    dwell_seconds = models.FloatField(help_text="Seconds on the page the browser reported.")
    scroll = models.FloatField(help_text="Furthest share of the article scrolled into view (0–1).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reader", "article", "day"], name="read_once_a_day")]
        indexes = [models.Index(fields=["day", "publisher"], name="read_day_publisher_idx")]

    def __str__(self) -> str:
        return f"{self.reader} read {self.article_id} on {self.day}"


class RevenuePool(models.Model):
    """A month's pool when it differs from NEWSSTAND_REVENUE_POOL_CENTS (set by staff in the admin)."""

    month = models.CharField(
        max_length=7,
        unique=True,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "A month as YYYY-MM.")],
        help_text="YYYY-MM",
    )
    amount_cents = models.PositiveBigIntegerField(validators=[MinValueValidator(0)])
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month}: {self.amount_cents} cents"
