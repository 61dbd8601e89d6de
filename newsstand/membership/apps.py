from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "newsstand.membership"
    label = "membership"

    def ready(self) -> None:
        # Every user gets a membership however it is made (sign-up, `members create`, the admin, createsuperuser),
        # and its trial when the address is verified.
        from newsstand.membership import checks, export, receivers  # noqa: F401

        export.register()  # the membership joins the reader's data export
