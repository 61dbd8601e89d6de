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
    path("authors/<path:name>/", getattr(pages, "author", search.not_yet), name="author"),
    path("search/", getattr(search, "search", search.not_yet), name="search"),
    path("saved/", getattr(reading, "saved", reading.not_yet), name="saved"),
    path("saved/<int:pk>/", getattr(reading, "toggle_save", reading.not_yet), name="save"),
    path("history/", getattr(reading, "history", reading.not_yet), name="history"),
    path("follow/", getattr(reading, "toggle_follow", reading.not_yet), name="follow"),
    path("manifest.webmanifest", getattr(app, "manifest", app.not_yet), name="manifest"),
    path("sw.js", getattr(app, "service_worker", app.not_yet), name="service-worker"),
    path("offline/", getattr(app, "offline", app.not_yet), name="offline"),
    path("feeds/top.xml", getattr(feeds, "top_stories_rss", feeds.not_yet), name="feed-top"),
    path("feeds/top.atom", getattr(feeds, "top_stories_atom", feeds.not_yet), name="feed-top-atom"),
    path("feeds/sections/<path:section>.xml", getattr(feeds, "section_rss", feeds.not_yet), name="feed-section"),
]
