"""Share cards and structured data for a page: OpenGraph, Twitter and JSON-LD, built from the teaser only.

The body never reaches these tags (see newsstand.web.teasers): a page's meta is what any crawler or chat app may
show without the reader coming to us. Its images are the image proxy's (web.image_urls), as absolute addresses: a
shared link's preview never sends the viewer to the publisher, and never breaks on a publisher's hotlink refusal.
"""

from __future__ import annotations

import dataclasses
import json

from django import template
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles.models import Article
from newsstand.stories.models import Story
from newsstand.web import image_urls, teasers

register = template.Library()

SITE_ICON = "web/icons/icon-512.png"
SHARE_IMAGE_WIDTH = 1024  # the proxy's widest resized variant; share cards ask for 1200 at most
LOGO_WIDTH = 160
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

    def absolute(address: str) -> str:
        return request.build_absolute_uri(address) if request and address else address

    teaser = dataclasses.replace(
        teaser,
        image=absolute(image_urls.proxy_url(teaser.image, SHARE_IMAGE_WIDTH)),
        publisher_logo=absolute(image_urls.proxy_url(teaser.publisher_logo, LOGO_WIDTH)),
    )
    return {
        "teaser": teaser,
        "kind": kind,
        "url": url,
        "site_name": teasers.SITE_NAME,
        "json_ld": script_json(teasers.json_ld(teaser, url=url, site_logo=site_logo, paywalled=paywalled)),
    }
