from django.apps import AppConfig
from django.conf import settings
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import request_finished
from django.utils.module_loading import import_string


class CoreConfig(AppConfig):
    name = "newsstand.core"
    label = "core"

    def ready(self) -> None:
        if not caches_need_closing():
            # Django closes every cache at the end of each request, for memcached's sake; with none that closes
            # anything, walking them cost ~2 % of a member page's interpreter time (bench/RESULTS.md).
            request_finished.disconnect(close_caches)


def caches_need_closing() -> bool:
    """Whether any configured cache does something when closed (Django's memcached backends); ours do not
    (newsstand.core.cache_backends keeps its connections on purpose)."""
    from newsstand.core.cache_backends import DiskCache

    quiet = {BaseCache.close, DiskCache.close}
    return any(import_string(c["BACKEND"]).close not in quiet for c in settings.CACHES.values())
