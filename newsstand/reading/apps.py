from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "newsstand.reading"
    label = "reading"

    def ready(self) -> None:
        from newsstand.reading import export

        export.register()  # saves, history and follows join the reader's data export
