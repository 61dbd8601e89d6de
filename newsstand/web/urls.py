from django.urls import path

from newsstand.web.views import app, feeds, pages, reading, search

app_name = "web"
urlpatterns = [
    path("", pages.latest, name="latest"),
    path("articles/<int:pk>/", pages.article, name="article"),
    path("stories/<int:pk>/", pages.story, name="story"),
    path("publishers/<slug:slug>/", pages.publisher, name="publisher"),
    # Sections are free text from the feeds ("World", "Arts/Culture"), so any text routes, slashes included.
    path("sections/<path:section>/", pages.section, name="section"),
    path("authors/<path:name>/", pages.author, name="author"),
    path("search/", getattr(search, "search", search.not_yet), name="search"),
    path("saved/", reading.saved, name="saved"),
    path("saved/<int:pk>/", reading.toggle_save, name="save"),
    path("history/", reading.history, name="history"),
    path("history/<int:pk>/", reading.record_progress, name="progress"),
    path("follow/", reading.toggle_follow, name="follow"),
    path("manifest.webmanifest", getattr(app, "manifest", app.not_yet), name="manifest"),
    path("sw.js", getattr(app, "service_worker", app.not_yet), name="service-worker"),
    path("offline/", getattr(app, "offline", app.not_yet), name="offline"),
    path("feeds/top.xml", getattr(feeds, "top_stories_rss", feeds.not_yet), name="feed-top"),
    path("feeds/top.atom", getattr(feeds, "top_stories_atom", feeds.not_yet), name="feed-top-atom"),
    path("feeds/sections/<path:section>.xml", getattr(feeds, "section_rss", feeds.not_yet), name="feed-section"),
]
