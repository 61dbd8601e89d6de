"""`{% read_beacon article access %}`: what an article page needs to report a read (the view token and the script
that sends it back, readership/reads.js), for members only, as the page's paywall decision (`access`) says.

Renders nothing for anonymous readers and lapsed members, so a page cached for anonymous readers never carries a
view token; on a copy shared by members it is a personal part (web.personal), made for each reader."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from newsstand.core import clock
from newsstand.readership import services

register = template.Library()


@register.simple_tag(takes_context=True)
def read_beacon(context, article, access) -> str:
    request = context.get("request")
    return "" if request is None else beacon(request.user, article, access)


def beacon(user, article, access) -> str:
    """The beacon for this reader and article, or nothing when their read could not count."""
    token = services.view_token(user, article, access=access, now=clock.now())
    if token is None:
        return ""
    rules = services.current_rules()
    return format_html(
        '<span id="read-beacon" hidden data-url="{}" data-token="{}" data-dwell="{}" data-scroll="{}"'
        ' data-scroll-seconds="{}"></span><script src="{}" defer></script>',
        reverse("web:read"),
        token,
        rules.dwell_seconds,
        rules.scroll_fraction,
        rules.scroll_min_seconds,
        static("readership/reads.js"),
    )
