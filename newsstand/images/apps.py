from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "newsstand.images"
    label = "images"
    verbose_name = "Publishers' images, as the site serves them"
