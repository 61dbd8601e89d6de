from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "newsstand.reading"
    label = "reading"

    def ready(self) -> None:
        from newsstand.reading import export, mutes
        from newsstand.topics import selectors as topics

        export.register()  # saves, history and follows join the reader's data export
        mutes.use_topic_lookup(topics.articles_with_any, topics.slugs_by_article)  # a muted topic hides its articles
