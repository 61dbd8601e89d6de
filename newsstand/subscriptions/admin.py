"""Admin for subscriptions: readers' feeds and categories, to look at (support), not to edit."""

from __future__ import annotations

from django.contrib import admin

from newsstand.subscriptions.models import Category, Subscription


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ("user", "feed", "category", "title", "created_at", "unread_since")
    list_select_related = ("user", "feed", "category")
    raw_id_fields = ("user", "feed", "category")


@admin.register(Category)
class CategoryAdmin(_ReadOnly):
    list_display = ("user", "title", "default", "created_at")
    raw_id_fields = ("user",)
