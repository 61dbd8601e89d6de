"""Publishers' images through the image proxy (newsstand.web.image_urls), for templates:

    <img src="{{ url|proxied:160 }}" srcset="{{ url|proxied_srcset:'160,320' }}" sizes="9rem">
    {{ text.body_html|proxied_body }}

Widths are the proxy's (newsstand.images.signing.WIDTHS); a URL that is not http(s) gives "".
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from newsstand.web import image_urls

register = template.Library()


@register.filter
def proxied(url: str | None, width: int | str = 0) -> str:
    return image_urls.proxy_url(url, int(width))


@register.filter
def proxied_srcset(url: str | None, widths: str) -> str:
    """`widths` as the template writes them: "160,320"."""
    return image_urls.proxy_srcset(url, (int(width) for width in widths.split(",")))


@register.filter
def proxied_body(body_html: str) -> SafeString:
    """Trusted HTML (the sanitised body, marked safe by web.paywall) with its images proxied; anything else is
    escaped like any other value."""
    if not isinstance(body_html, SafeData):
        return conditional_escape(body_html)
    return mark_safe(image_urls.proxied_body(body_html))  # only our own addresses were put in  # noqa: S308
