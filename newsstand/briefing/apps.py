from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "newsstand.briefing"
    label = "briefing"

    def ready(self) -> None:
        from newsstand.briefing import export

        export.register()  # the reader's briefing choice and the briefings sent join the data export
