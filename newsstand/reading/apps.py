from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "newsstand.reading"
    label = "reading"
