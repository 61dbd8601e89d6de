from django.urls import path

from newsstand.web.views import app, feeds, membership, pages, reading, search

app_name = "web"
urlpatterns = [
    path("", pages.latest, name="latest"),
    path("articles/<int:pk>/", pages.article, name="article"),
    path("stories/<int:pk>/", pages.story, name="story"),
    path("publishers/<slug:slug>/", pages.publisher, name="publisher"),
    # Sections are free text from the feeds ("World", "Arts/Culture"), so any text routes, slashes included.
    path("sections/<path:section>/", pages.section, name="section"),
    path("authors/<path:name>/", pages.author, name="author"),
    path("search/", search.search, name="search"),
    path("saved/", reading.saved, name="saved"),
    path("saved/<int:pk>/", reading.toggle_save, name="save"),
    path("history/", reading.history, name="history"),
    path("history/<int:pk>/", reading.record_progress, name="progress"),
    path("follow/", reading.toggle_follow, name="follow"),
    path("membership/", membership.subscribe, name="membership"),
    path("membership/checkout/", membership.checkout, name="membership-checkout"),
    path("membership/welcome/", membership.checkout_success, name="membership-success"),
    path("membership/checkout-canceled/", membership.checkout_cancel, name="membership-cancel"),
    path("membership/billing/", membership.portal, name="membership-portal"),
    path("membership/webhooks/stripe/", membership.stripe_webhook, name="stripe-webhook"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("offline/", app.offline, name="offline"),
    path("feeds/top.xml", feeds.top_stories_rss, name="feed-top"),
    path("feeds/top.atom", feeds.top_stories_atom, name="feed-top-atom"),
    path("feeds/sections/<path:section>.xml", feeds.section_rss, name="feed-section"),
]
