from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newsstand.accounts"
    label = "accounts"
