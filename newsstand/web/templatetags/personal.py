"""`{% personal "name" key=value … %}`: a part of the page made for its reader (see web.personal).

On a page made for one reader, the part itself; on a copy shared by members, a mark that each reader's copy has
filled in when it is given to them."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from newsstand.web import personal as parts

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context: template.Context, name: str, **arguments: object) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    if getattr(request, "shared_copy", False):
        return mark_safe(parts.mark(name, arguments))
    return mark_safe(parts.part(request, name, arguments))  # fillers escape what they put in (format_html, templates)
