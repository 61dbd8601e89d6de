from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsstand.stories"
    label = "stories"
