"""Admin for publishers. Feeds are administered from ingest.admin, beside the crawler their actions drive."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from newsstand.sources.models import Publisher

# Pasted addresses without a scheme are https, as Django 6 will assume.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("name", "slug", "homepage", "country", "language", "weight", "private", "feed_count")
    search_fields = ("name", "slug", "homepage")
    list_filter = ("private", "country", "language")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("private",)  # changed only by promoting its feed (ingest.promotion), with its articles

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publisher]:
        return super().get_queryset(request).annotate(feed_count=Count("feeds"))

    @admin.display(description="feeds", ordering="feed_count")
    def feed_count(self, publisher: Publisher) -> int:
        return publisher.feed_count
