"""The Miniflux-compatible API's addresses (under /v1/, api.urls), as Miniflux's documentation lists them."""

from django.urls import path

from newsstand.api.miniflux import views as v
from newsstand.api.miniflux.views import endpoint

app_name = "miniflux"
urlpatterns = [
    path("me", endpoint(GET=v.me), name="me"),
    path("categories", endpoint(GET=v.categories, POST=v.create_category), name="categories"),
    path("categories/<int:category_id>", endpoint(PUT=v.update_category, DELETE=v.delete_category), name="category"),
    path("categories/<int:category_id>/feeds", endpoint(GET=v.category_feeds), name="category-feeds"),
    path("categories/<int:category_id>/entries", endpoint(GET=v.category_entries), name="category-entries"),
    path("categories/<int:category_id>/mark-all-as-read", endpoint(PUT=v.mark_category_read), name="category-read"),
    path("categories/<int:category_id>/refresh", endpoint(PUT=v.refresh_category), name="category-refresh"),
    path("feeds", endpoint(GET=v.feeds, POST=v.create_feed), name="feeds"),
    path("feeds/refresh", endpoint(PUT=v.refresh_all), name="feeds-refresh"),
    path(
        "feeds/<int:feed_id>",
        endpoint(GET=v.feed, PUT=v.update_feed, DELETE=v.delete_feed),
        name="feed",
    ),
    path("feeds/<int:feed_id>/refresh", endpoint(PUT=v.refresh_feed), name="feed-refresh"),
    path("feeds/<int:feed_id>/icon", endpoint(GET=v.feed_icon), name="feed-icon"),
    path("feeds/<int:feed_id>/mark-all-as-read", endpoint(PUT=v.mark_feed_read), name="feed-read"),
    path("feeds/<int:feed_id>/entries", endpoint(GET=v.feed_entries), name="feed-entries"),
    path("feeds/<int:feed_id>/entries/<int:entry_id>", endpoint(GET=v.feed_entry), name="feed-entry"),
    path("icons/<int:icon_id>", endpoint(GET=v.icon), name="icon"),
    path("entries", endpoint(GET=v.entries, PUT=v.update_entries), name="entries"),
    path("entries/<int:entry_id>", endpoint(GET=v.entry), name="entry"),
    path("entries/<int:entry_id>/bookmark", endpoint(PUT=v.toggle_bookmark), name="bookmark"),
    path("entries/<int:entry_id>/star", endpoint(PUT=v.toggle_bookmark), name="star"),
    path("users/<int:user_id>/mark-all-as-read", endpoint(PUT=v.mark_user_read), name="user-read"),
    path("export", endpoint(GET=v.export), name="export"),
    path("import", endpoint(POST=v.import_opml, PUT=v.import_opml), name="import"),
]
