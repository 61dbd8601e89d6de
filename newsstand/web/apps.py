from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


class WebConfig(AppConfig):
    name = "newsstand.web"
    label = "web"

    def ready(self) -> None:
        from newsstand.editorial.models import Pick

        # Any pick saved or deleted, wherever (the admin, the pages, a shell): the cached pages are told once the
        # change is committed, when other connections can read it (web.page_generation).
        post_save.connect(_picks_changed, sender=Pick, dispatch_uid="web.picks-changed.save")
        post_delete.connect(_picks_changed, sender=Pick, dispatch_uid="web.picks-changed.delete")


def _picks_changed(**kwargs) -> None:
    from newsstand.web import page_generation

    # robust: a cache that cannot be written logs the error instead of failing a change already committed.
    transaction.on_commit(page_generation.picks_changed, using=kwargs.get("using"), robust=True)
