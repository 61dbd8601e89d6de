from django.apps import AppConfig


class ReadershipConfig(AppConfig):
    name = "newsstand.readership"
    label = "readership"
    verbose_name = "Reads for publishers"

    def ready(self) -> None:
        from newsstand.readership import export

        export.register()  # counted reads join the member's data export
