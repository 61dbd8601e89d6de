from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "newsstand.subscriptions"
    label = "subscriptions"
