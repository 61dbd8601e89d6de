"""Subscriptions: the feeds each reader subscribes to (in categories), their read state per article, and private
sources (a member's own feed URL, fetched by the same pipeline, seen only by its subscribers). What the reader-app
APIs (newsstand.api) list and sync."""

from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "newsstand.subscriptions"
    label = "subscriptions"

    def ready(self) -> None:
        from newsstand.subscriptions import export, receivers  # noqa: F401

        export.register()  # subscriptions, categories and read states join the reader's data export
