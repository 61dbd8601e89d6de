from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newsstand.accounts"
    label = "accounts"

    def ready(self) -> None:
        from newsstand.accounts import (
            app_passwords,
            checks,  # noqa: F401
            export,
        )

        export.register("app_passwords", app_passwords.exported)  # labels and dates, never the digests
