"""Admin for articles: browse by publisher, section and date; identity fields are the pipeline's, not editable."""

from __future__ import annotations

from django.contrib import admin

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources.admin import URL_FIELDS


class ArticleFeedInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS
    model = ArticleFeed
    extra = 0
    can_delete = False
    fields = ("feed", "guid", "link", "first_seen_at")
    readonly_fields = fields
    raw_id_fields = ("feed",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("title", "publisher", "section", "published_at", "word_count", "full_text")
    list_filter = ("section", "full_text", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("title",)
    date_hierarchy = "published_at"
    raw_id_fields = ("publisher",)
    readonly_fields = ("identity", "url", "canonical_url", "guid", "content_hash", "first_seen_at", "updated_at")
    inlines = (ArticleFeedInline,)
    show_full_result_count = False  # COUNT(*) over hundreds of thousands of rows on every page is not worth it

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body_html", "text")
