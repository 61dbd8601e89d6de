"""The site navigation, rendered by base.html itself so every page (404s included) gets it without view code."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles import selectors

register = template.Library()

# The section list scans the article index (about 20 ms at 200k articles on SQLite) and changes rarely; a new
# section may take this long to appear in the navigation.
SECTIONS_CACHE_KEY = "web:nav-sections"
SECTIONS_CACHE_SECONDS = 300


@register.simple_tag(takes_context=True)
def section_nav(context: template.Context) -> SafeString:
    """Marks the link for the page we are on, read from the resolved route rather than by comparing quoted paths."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else ""
    filtered = bool(request and (request.GET.get("section") or request.GET.get("publisher")))
    sections = cache.get_or_set(SECTIONS_CACHE_KEY, selectors.sections, SECTIONS_CACHE_SECONDS)
    current = match.kwargs.get("section") if route == "web:section" else None
    return _rendered(tuple(sections), route == "web:latest" and not filtered, current, get_script_prefix())


@lru_cache(maxsize=256)
def _rendered(sections: tuple[str, ...], on_latest: bool, current: str | None, script_prefix: str) -> SafeString:
    """The same few inputs on every page: rendered once per process for each (a new section list is a new key)."""
    context = {"sections": sections, "on_latest": on_latest, "current_section": current}
    return mark_safe(render_to_string("web/_section_nav.html", context))  # the template escaped every value
