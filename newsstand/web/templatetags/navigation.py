"""The site navigation, rendered by base.html itself so every page (404s included) gets it without view code."""

from __future__ import annotations

from django import template
from django.core.cache import cache

from newsstand.articles import selectors

register = template.Library()

# The section list scans the article index (about 20 ms at 200k articles on SQLite) and changes rarely; a new
# section may take this long to appear in the navigation.
SECTIONS_CACHE_KEY = "web:nav-sections"
SECTIONS_CACHE_SECONDS = 300


@register.inclusion_tag("web/_section_nav.html", takes_context=True)
def section_nav(context: template.Context) -> dict[str, object]:
    """Marks the link for the page we are on, read from the resolved route rather than by comparing quoted paths."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else ""
    filtered = bool(request and (request.GET.get("section") or request.GET.get("publisher")))
    return {
        "sections": cache.get_or_set(SECTIONS_CACHE_KEY, selectors.sections, SECTIONS_CACHE_SECONDS),
        "on_latest": route == "web:latest" and not filtered,
        "current_section": match.kwargs.get("section") if route == "web:section" else None,
    }
