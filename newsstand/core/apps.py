from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "newsstand.core"
    label = "core"
