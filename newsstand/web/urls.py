from django.urls import path, register_converter

from newsstand.web.views import (
    account,
    app,
    app_passwords,
    briefing,
    editorial,
    feeds,
    images,
    membership,
    pages,
    reading,
    reads,
    search,
)


class IdConverter:
    """A row id: digits that fit the 64-bit signed id columns. A larger number matches no route (404) instead of
    reaching the database, where hand-written SQL (core.rows) would fail to bind it."""

    regex = "[0-9]{1,19}"
    largest = 2**63 - 1

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > self.largest:
            raise ValueError(f"{value} is past the largest id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "web"
urlpatterns = [
    path("", pages.latest, name="latest"),
    path("articles/<id:pk>/", pages.article, name="article"),
    path("stories/<id:pk>/", pages.story, name="story"),
    path("articles/<id:pk>/pick/", editorial.pick_article, name="pick-article"),
    path("stories/<id:pk>/pick/", editorial.pick_story, name="pick-story"),
    path("publishers/<slug:slug>/", pages.publisher, name="publisher"),
    path("topics/<str:slug>/", pages.topic, name="topic"),
    # Sections are free text from the feeds ("World", "Arts/Culture"), so any text routes, slashes included.
    path("sections/<path:section>/", pages.section, name="section"),
    path("authors/<path:name>/", pages.author, name="author"),
    path("search/", search.search, name="search"),
    path("saved/", reading.saved, name="saved"),
    path("saved/<id:pk>/", reading.toggle_save, name="save"),
    path("saved/<id:pk>/add/", reading.save_later, name="save-later"),
    path("for-you/", reading.for_you, name="for-you"),
    path("welcome/", reading.welcome, name="welcome"),
    path("history/", reading.history, name="history"),
    path("history/<id:pk>/", reading.record_progress, name="progress"),
    path("follow/", reading.toggle_follow, name="follow"),
    path("mute/", reading.toggle_mute, name="mute"),
    path("signal/", reading.signal, name="signal"),
    path("account/following/<int:pk>/remove/", reading.remove_follow, name="remove-follow"),
    path("account/muted/<int:pk>/remove/", reading.remove_mute, name="remove-mute"),
    path("reads/", reads.record_read, name="read"),
    path("account/", account.account, name="account"),
    path("account/sign-up/", account.sign_up, name="sign-up"),
    path("account/sign-in/", account.sign_in, name="sign-in"),
    path("account/sign-out/", account.sign_out, name="sign-out"),
    path("account/verify/", account.resend_verification, name="resend-verification"),
    path("account/verify/<str:token>/", account.verify_email, name="verify-email"),
    path("account/email/", account.change_email, name="change-email"),
    path("account/email/<str:token>/", account.confirm_email, name="confirm-email"),
    path("account/password/", account.change_password, name="change-password"),
    path("account/password/reset/", account.password_reset, name="password-reset"),
    path("account/password/reset/done/", account.password_reset_complete, name="password-reset-complete"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        account.PasswordResetConfirm.as_view(),
        name="password-reset-confirm",
    ),
    path("account/export/", account.export, name="export"),
    path("account/app-passwords/", app_passwords.create, name="app-password-create"),
    path("account/app-passwords/<int:pk>/revoke/", app_passwords.revoke, name="app-password-revoke"),
    path("account/delete/", account.delete, name="delete-account"),
    path("account/briefing/", briefing.choose, name="briefing"),
    path("briefing/unsubscribe/<str:token>/", briefing.unsubscribe, name="briefing-unsubscribe"),
    path("membership/", membership.subscribe, name="membership"),
    path("membership/checkout/", membership.checkout, name="membership-checkout"),
    path("membership/welcome/", membership.checkout_success, name="membership-success"),
    path("membership/checkout-canceled/", membership.checkout_cancel, name="membership-cancel"),
    path("membership/billing/", membership.portal, name="membership-portal"),
    path("membership/webhooks/stripe/", membership.stripe_webhook, name="stripe-webhook"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service-worker"),
    path("offline/", app.offline, name="offline"),
    # The image proxy (web.image_urls writes these addresses): signature, width, the image's URL in base64url.
    path("img/<str:signature>/<str:width>/<str:source>", images.image, name="image"),
    path("feeds/top.xml", feeds.top_stories_rss, name="feed-top"),
    path("feeds/top.atom", feeds.top_stories_atom, name="feed-top-atom"),
    path("feeds/sections/<path:section>.xml", feeds.section_rss, name="feed-section"),
]
