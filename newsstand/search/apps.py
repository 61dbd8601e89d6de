from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsstand.search"
    label = "search"
