from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "newsstand.cli"
    label = "cli"
