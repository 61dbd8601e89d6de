"""Editors' tools on the reading pages: `{% pick_action article=… %}` / `{% pick_action story=… %}`, the "Add to Our
Picks" (or "Remove from Our Picks") form.

It renders only for staff who may change the picks (editorial.permissions), and so only on signed-in pages, which
are never cached or shared; for everyone else it is nothing, and costs no query.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial import permissions
from newsstand.editorial import selectors as editorial
from newsstand.stories.models import Story

register = template.Library()


@register.inclusion_tag("web/_pick_action.html", takes_context=True)
def pick_action(context: template.Context, article: Article | None = None, story: Story | None = None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.may_add_pick(user):
        return {"shown": False}
    if article is not None:
        url = reverse("web:pick-article", args=[article.pk])
    else:
        url = reverse("web:pick-story", args=[story.pk])
    return {
        "shown": True,
        "action": url,
        "picked": editorial.is_picked(article=article, story=story, now=clock.now()),
        "may_remove": permissions.may_remove_pick(user),
        "csrf_token": context.get("csrf_token"),
    }
