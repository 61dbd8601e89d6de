"""Who may be shown an article: anyone, for the catalogue's; only its subscribers, for a private source's.

A member's private source (sources.private) is fetched like the catalogue, but what only it has sighted
(`Article.private`) is its subscribers' alone until staff promote it. The lists, counts, search, stories and For
you never hold such an article (their selectors leave it out); what names one article by its id (its page, save,
progress, the sign-in intent to save) asks here, and answers 404 to anyone else, as for an article that is not
there. Whether a reader subscribes is the subscriptions app's one rule (`subscriptions.selectors.entry`: an article
listed in their subscriptions), asked only for private articles, so public pages cost nothing more.
"""

from __future__ import annotations

from django.http import Http404

from newsstand.articles.models import Article
from newsstand.subscriptions import selectors as subscriptions


def may_see(user: object, article: Article) -> bool:
    """Whether `user` may be shown `article`: every article of the catalogue; a private one only when it is listed in
    their subscriptions (never for anonymous readers, nor for the stand-in a members' shared copy is made for)."""
    if not article.private:
        return True
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return False
    return subscriptions.entry(user, article.pk) is not None


def shown_or_404(user: object, article: Article | None) -> Article:
    """`article` (loaded with `private`) when `user` may be shown it; 404 when it is missing or they may not."""
    if article is None or not may_see(user, article):
        raise Http404("No such article.")
    return article
