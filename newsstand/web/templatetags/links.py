"""Links to the site's pages, cheap enough for long lists: `{{ article.pk|article_url }}` in templates, `page_url`
for views and the admin. The domain apps never build these: the addresses are the web app's.

`{% url %}` and `reverse()` match the route again and quotes the whole URL on
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

from newsstand.articles.models import Article
from newsstand.editorial.models import Pick
from newsstand.stories.models import Story

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


@register.filter
def page_url(target: Article | Story | Pick) -> str:
    """`{{ pick|page_url }}`: an article's or a story's page, or the page of what an editor's pick points at (from
    its ids: no query)."""
    if isinstance(target, Pick):
        return link("web:article", target.article_id) if target.article_id else link("web:story", target.story_id)
    return link("web:story" if isinstance(target, Story) else "web:article", target.pk)


@register.simple_tag
def route(name: str) -> str:
    """`{% route 'web:manifest' %}`: the address of a page that takes no argument, reversed once per process."""
    return _fixed(name, get_script_prefix())


@cache
def _fixed(name: str, script_prefix: str) -> str:
    return reverse(name)
