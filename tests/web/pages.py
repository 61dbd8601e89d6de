"""The page cache as tests reach into it: the shared cache and this process's own copies (web.caching.recent)."""

from __future__ import annotations

from django.core.cache import caches

from newsstand.web import caching


def empty_page_cache() -> None:
    """No copy of any page anywhere: the next request for each is made."""
    caches[caching.PAGE_CACHE].clear()
    caching.recent.forget()


def replace_page(key: str, stored: caching.Stored, timeout: float = 600) -> None:
    """The shared copy at `key` replaced (made older, say), and this process's own copy forgotten, as if the copy
    had been read by another process."""
    caches[caching.PAGE_CACHE].set(key, stored, timeout)
    caching.recent.forget(key)
