"""Share cards and structured data for a page: OpenGraph, Twitter and JSON-LD, built from the teaser only.

The body never reaches these tags (see newsstand.web.teasers): a page's meta is what any crawler or chat app may
show without the reader coming to us.
"""

from __future__ import annotations

import json

from django import template
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles.models import Article
from newsstand.stories.models import Story
from newsstand.web import teasers

register = template.Library()

SITE_ICON = "web/icons/icon-512.png"
# Inside <script>, only these characters can end the element or open markup: escaped, the JSON means the same.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data: object) -> SafeString:
    """JSON that is safe inside a <script> element whatever strings the feeds gave us."""
    return mark_safe(json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES))


@register.inclusion_tag("web/_share_meta.html", takes_context=True)
def article_meta(context: template.Context, article: Article) -> dict[str, object]:
    return _meta(context, teasers.article_teaser(article), kind="article", paywalled=True)


@register.inclusion_tag("web/_share_meta.html", takes_context=True)
def story_meta(context: template.Context, story: Story) -> dict[str, object]:
    return _meta(context, teasers.story_teaser(story), kind="article")


@register.filter
def authors(author: str | None) -> list[str]:
    return teasers.author_names(author or "")


def _meta(
    context: template.Context, teaser: teasers.Teaser, *, kind: str, paywalled: bool = False
) -> dict[str, object]:
    request = context.get("request")
    url = request.build_absolute_uri(request.path) if request else ""
    site_logo = request.build_absolute_uri(static(SITE_ICON)) if request else static(SITE_ICON)
    return {
        "teaser": teaser,
        "kind": kind,
        "url": url,
        "site_name": teasers.SITE_NAME,
        "json_ld": script_json(teasers.json_ld(teaser, url=url, site_logo=site_logo, paywalled=paywalled)),
    }
