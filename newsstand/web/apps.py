from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "newsstand.web"
    label = "web"
