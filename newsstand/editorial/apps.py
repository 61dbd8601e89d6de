from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "newsstand.editorial"
    label = "editorial"
