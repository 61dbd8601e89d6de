"""Admin for publishers and feeds: feed health in the list, and the actions an operator reaches for."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from newsstand.core import clock
from newsstand.ingest import promotion
from newsstand.sources import services
from newsstand.sources.models import Feed, Publisher

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


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = (
        "url",
        "publisher",
        "section",
        "status",
        "active",
        "private",
        "last_success_at",
        "last_error_code",
        "consecutive_failures",
        "next_fetch_at",
    )
    list_filter = ("private", "status", "active", "full_text", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("url", "title", "publisher__name", "section")
    autocomplete_fields = ("publisher",)
    readonly_fields = (
        "private",
        "added_by",
        "status",
        "etag",
        "last_modified",
        "last_fetched_at",
        "last_success_at",
        "last_status_code",
        "last_error",
        "last_error_code",
        "last_error_at",
        "consecutive_failures",
        "entries_seen",
        "lease_owner",
        "lease_expires_at",
        "created_at",
    )
    actions = ("fetch_now", "disable", "enable", "promote")

    @admin.action(description="Fetch now (make due at once)")
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        count = services.fetch_now(feed_ids=queryset.values_list("pk", flat=True), now=clock.now())
        self.message_user(request, f"{count} feeds are due now; the crawler picks them up on its next pass.")

    @admin.action(description="Disable")
    def disable(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        count = services.set_feeds_active(feed_ids=queryset.values_list("pk", flat=True), active=False)
        self.message_user(request, f"{count} feeds disabled.", messages.WARNING)

    @admin.action(description="Enable")
    def enable(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = services.set_feeds_active(feed_ids=ids, active=True)
        services.fetch_now(feed_ids=ids, now=clock.now())
        self.message_user(request, f"{count} feeds enabled and due now.")

    @admin.action(description="Promote to the catalogue (private sources: feed, publisher and articles public)")
    def promote(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        done = [promotion.promote(pk) for pk in queryset.filter(private=True).values_list("pk", flat=True)]
        articles = sum(p.articles for p in done)
        self.message_user(request, f"{len(done)} private sources promoted; {articles} articles made public.")
