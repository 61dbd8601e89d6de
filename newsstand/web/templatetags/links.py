"""Links to the site's pages for templates, cheap enough for long lists: `{{ article.pk|article_url }}`.

`{% url %}` and `get_absolute_url()` call `reverse()`, which matches the route again and quotes the whole URL on
every call (~20 µs); a home page makes ~180 links. Here each route is reversed once per process (and script
prefix) with a placeholder, and a link is that text with the value put in, quoted exactly as `reverse()` quotes
it. tests/web/test_links.py holds every filter to `reverse()`'s output.
"""

from __future__ import annotations

from functools import cache, partial
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

register = template.Library()

_PLACEHOLDER = "2718281828"  # fits every converter used below: int, slug and path
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@cache
def _around(route: str, script_prefix: str) -> tuple[str, str]:
    """The text before and after the one argument of `route`, as reverse() writes it under this script prefix."""
    before, found, after = reverse(route, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    if not found:
        raise ValueError(f"{route} does not put its argument in the URL as given; link it with {{% url %}}")
    return before, after


def link(route: str, value: object) -> str:
    before, after = _around(route, get_script_prefix())
    return f"{before}{quote(str(value), safe=_SAFE)}{after}"


# filter name → route: `{{ article.pk|article_url }}`, `{{ article.section|section_url }}`, …
FILTERS = {
    "article_url": "web:article",
    "story_url": "web:story",
    "publisher_url": "web:publisher",
    "section_url": "web:section",
    "author_url": "web:author",
}
for _name, _route in FILTERS.items():
    register.filter(_name, partial(link, _route))


@register.simple_tag
def route(name: str) -> str:
    """`{% route 'web:manifest' %}`: the address of a page that takes no argument, reversed once per process."""
    return _fixed(name, get_script_prefix())


@cache
def _fixed(name: str, script_prefix: str) -> str:
    return reverse(name)
