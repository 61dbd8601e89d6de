"""Admin for Our Picks: staff order the list by position; the article is found by headline (autocomplete)."""

from __future__ import annotations

from django.contrib import admin

from newsstand.editorial.models import Pick


@admin.register(Pick)
class PickAdmin(admin.ModelAdmin):
    list_display = ("headline", "position", "starts_at", "ends_at", "created_by")
    list_editable = ("position",)
    list_select_related = ("article", "story", "created_by")
    ordering = ("position", "-starts_at")
    autocomplete_fields = ("article",)
    raw_id_fields = ("story",)  # stories have no admin of their own to search yet
    fields = ("article", "story", "note", "position", "starts_at", "ends_at")

    @admin.display(description="Headline")
    def headline(self, pick: Pick) -> str:
        return pick.headline

    def save_model(self, request, obj: Pick, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
