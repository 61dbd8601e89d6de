"""The save button's state: whether the signed-in reader has saved this article (anonymous readers: never)."""

from __future__ import annotations

from django import template

from newsstand.articles.models import Article
from newsstand.reading import selectors as reading

register = template.Library()


@register.simple_tag(takes_context=True)
def is_saved(context: template.Context, article: Article) -> bool:
    """One query for a signed-in reader, none for anyone else (their pages stay cacheable)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return reading.is_saved(user=user, article=article)
