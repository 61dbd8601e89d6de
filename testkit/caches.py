"""Caches as tests reach into them: every cache emptied as a test (or one generated example) starts, and the page
cache's shared copies and this process's own (newsstand.web.caching.recent) changed together."""

from __future__ import annotations

from django.core.cache import caches

from newsstand.reading import for_you
from newsstand.web import caching, page_generation


def empty_caches() -> None:
    """The shared caches and this process's own copies emptied (a page one test cached must not answer another's
    request: row ids repeat), with the picks' generation known, so pages are made, counted and kept as on a
    running site (which knows it: made once per cache, or by a change)."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    caching.recent.forget()  # this process's own copies of pages
    page_generation.forget()  # this process's copy of the picks' generation, which the caches held
    for_you.forget()  # this process's stories' rows and readers' profiles
    caches["default"].set(page_generation.KEY, page_generation.Generation(token="running", changes=()), None)


def empty_page_cache() -> None:
    """No copy of any page anywhere: the next request for each is made."""
    caches[caching.PAGE_CACHE].clear()
    caching.recent.forget()


def replace_page(key: str, stored: caching.Stored, timeout: float = 600) -> None:
    """The shared copy at `key` replaced (made older, say), and this process's own copy forgotten, as if the copy
    had been read by another process."""
    caches[caching.PAGE_CACHE].set(key, stored, timeout)
    caching.recent.forget(key)
