"""Admin for reading: readers' saves, history and follows, to look at (support), not to edit."""

from __future__ import annotations

from django.contrib import admin

from newsstand.reading.models import Follow, HistoryEntry, SavedArticle


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SavedArticle)
class SavedArticleAdmin(_ReadOnly):
    list_display = ("user", "article", "saved_at")
    raw_id_fields = ("user", "article")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(_ReadOnly):
    list_display = ("user", "article", "last_read_at", "progress", "position")
    raw_id_fields = ("user", "article")


@admin.register(Follow)
class FollowAdmin(_ReadOnly):
    list_display = ("user", "kind", "publisher", "section", "created_at")
    raw_id_fields = ("user", "publisher")
