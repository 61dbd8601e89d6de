"""`{% inline_script "web/prepaint.js" id="prepaint" %}`: a static script put in the page itself, for the few that
must run before the first paint; the Content-Security-Policy allows it by its hash (newsstand.web.csp)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsstand.web import csp

register = template.Library()


@register.simple_tag
def inline_script(name: str, *, id: str) -> SafeString:  # noqa: A002 (the HTML attribute's name)
    return format_html('<script id="{}">{}</script>', id, mark_safe(csp.inline_script(name)))
