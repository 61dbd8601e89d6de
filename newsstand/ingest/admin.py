"""Admin for feeds: their health in the list, and the actions an operator reaches for (fetch now, disable, enable,
and promote a member's private source to the catalogue, which ingest.promotion does with its articles)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from newsstand.core import clock
from newsstand.ingest import promotion
from newsstand.sources import services
from newsstand.sources.admin import URL_FIELDS
from newsstand.sources.models import Feed


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
