"""The publisher's mark on a card (home rows, saved, history, lists): its logo through the image proxy, small, or
its initials where it has none. A tag rather than an include: it is in every card of a list, and an include per
card costs more than the rest of the card.

    {% load cards %}<p class="publisher-mark">{% publisher_badge article.publisher %}{{ article.publisher.name }}</p>
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsstand.sources.models import Publisher
from newsstand.web import image_urls

register = template.Library()

LOGO_WIDTH = 64  # the proxy's smallest variant: sharp at 16–20 CSS px on a 3x screen
_SKIPPED = frozenset({"the", "a", "an", "le", "la", "les", "el", "der", "die", "das"})


@lru_cache(maxsize=1024)  # a few hundred publishers, each on card after card
def initials(name: str) -> str:
    """Up to two letters for a name, articles, lowercase words ("of") and any note in brackets skipped: "The Daily Telegraph" → "DT",
    "NPR (Online News)" → "N"."""
    words = [word for word in name.partition("(")[0].split() if word[:1].isalnum()]
    meaningful = [word for word in words if word.lower() not in _SKIPPED and not word[0].islower()] or words
    return "".join(word[0] for word in meaningful[:2]).upper()


@register.simple_tag
def publisher_badge(publisher: Publisher) -> SafeString:
    """The logo (decorative: the publisher's name is beside it), or the initials, hidden from screen readers."""
    logo = image_urls.proxy_url(publisher.logo_url, LOGO_WIDTH)
    if logo:
        return format_html(
            '<img class="mark-logo" src="{}" alt="" width="16" height="16" loading="lazy" decoding="async" '
            'referrerpolicy="no-referrer">',
            logo,
        )
    return format_html('<span class="mark-initials" aria-hidden="true">{}</span>', initials(publisher.name))
