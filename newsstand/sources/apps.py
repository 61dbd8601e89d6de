from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "newsstand.sources"
    label = "sources"
