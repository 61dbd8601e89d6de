from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newsstand.accounts"
    label = "accounts"

    def ready(self) -> None:
        from newsstand.accounts import checks  # noqa: F401
