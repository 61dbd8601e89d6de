"""Every cache of a test's process emptied, as a test (or one generated example) starts."""

from __future__ import annotations


def empty_caches() -> None:
    """The shared caches and this process's own copies emptied (a page one test cached must not answer another's
    request: row ids repeat), with the picks' generation known, so pages are made, counted and kept as on a
    running site (which knows it: made once per cache, or by a change)."""
    from django.core.cache import caches

    from newsstand.reading import for_you
    from newsstand.web import caching, page_generation

    for cache in caches.all(initialized_only=True):
        cache.clear()
    caching.recent.forget()  # this process's own copies of pages
    page_generation.forget()  # this process's copy of the picks' generation, which the caches held
    for_you.forget()  # this process's stories' rows and readers' profiles
    caches["default"].set(page_generation.KEY, page_generation.Generation(token="running", changes=()), None)
