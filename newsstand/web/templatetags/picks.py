"""Our Picks, as a slot any page can show: `{% our_picks %}` renders the editors' current picks, or nothing; and
`{% article_sidebar %}`, the article page's "Top stories right now" and Our Picks.

The picks are chosen in newsstand.editorial (staff edit them in the admin).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial import selectors as editorial
from newsstand.stories import selectors as stories
from newsstand.stories.models import Story
from newsstand.web import page_generation
from newsstand.web.caching import ANONYMOUS_MAX_AGE
from newsstand.web.templatetags.formatting import http_url
from newsstand.web.templatetags.links import page_url

register = template.Library()

PICKS_LIMIT = 5
SIDEBAR_TOP_STORIES = 5
SIDEBAR_CACHE_KEY = "web:article-sidebar"


@dataclass(frozen=True)
class PickLink:
    url: str
    title: str
    source: str
    note: str = ""


def pick_link(item: object) -> PickLink | None:
    """A pick as a link, whatever it points at: an article, a story, or its own URL and title.

    A pick may carry its own title (an editor's headline); otherwise the target's headline stands."""
    target = getattr(item, "article", None) or getattr(item, "story", None) or item
    url = page_url(target) if isinstance(target, Article | Story) else http_url(getattr(item, "url", ""))
    title = getattr(item, "title", "") or getattr(target, "title", "") or getattr(target, "headline", "")
    if not url or not title:
        return None
    publisher = getattr(target, "publisher", None)
    source = getattr(publisher, "name", "") if publisher else ""
    return PickLink(url=url, title=str(title), source=source, note=str(getattr(item, "note", "") or ""))


@register.simple_tag
def current_picks(limit: int = PICKS_LIMIT) -> list[PickLink]:
    """`{% current_picks as picks %}` then `{% include "web/_our_picks.html" %}`, for a page that needs to know
    whether there are any (to leave out an empty sidebar)."""
    found = editorial.current_picks(now=clock.now(), limit=limit)
    return [link for link in (pick_link(item) for item in found) if link]


@register.inclusion_tag("web/_our_picks.html")
def our_picks(limit: int = PICKS_LIMIT, heading_level: int = 2) -> dict[str, object]:
    """`{% our_picks %}`: the Our Picks block, or nothing when the editors have picked nothing."""
    return {"picks": current_picks(limit), "heading_level": heading_level}


@register.simple_tag
def article_sidebar() -> SafeString:
    """The same for every article and every reader, so made at most once a minute per cache (as stale as a cached
    page may be): two queries and a render that most article pages skip. Kept under the picks' generation and no
    longer than until a pick starts or ends, so a changed pick shows at once (web.page_generation)."""
    generation = page_generation.for_render()
    key = f"{SIDEBAR_CACHE_KEY}:{generation.token}"
    html = cache.get(key)
    if html is None:
        context = {
            "top_now": stories.top_stories(now=clock.now(), limit=SIDEBAR_TOP_STORIES),
            "picks": current_picks(PICKS_LIMIT),
        }
        html = render_to_string("web/_article_sidebar.html", context)
        cache.set(key, html, generation.seconds_left(page_generation.now(), at_most=ANONYMOUS_MAX_AGE))
    return mark_safe(html)  # rendered by our template, which escaped every value
