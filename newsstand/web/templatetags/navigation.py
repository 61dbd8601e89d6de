"""The site navigation, rendered by base.html itself so every page (404s included) gets it without view code."""

from __future__ import annotations

from django import template

from newsstand.web import _queries as selectors

register = template.Library()


@register.inclusion_tag("web/_section_nav.html", takes_context=True)
def section_nav(context: template.Context) -> dict[str, object]:
    """Marks the link for the page we are on, read from the resolved route rather than by comparing quoted paths."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else ""
    return {
        "sections": selectors.sections(),
        "on_latest": route == "web:latest" and not (request.GET.get("section") or request.GET.get("publisher")),
        "current_section": match.kwargs.get("section") if route == "web:section" else None,
    }
