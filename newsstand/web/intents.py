"""What a reader asked for before they had an account, done by the sign-in or sign-up that brings them back.

A page that anonymous readers share through the page cache can carry no form and no CSRF token, so its actions
are plain links: "Sign in to save" is `/saved/<id>/add/`, which sends an anonymous reader to sign in (or up) with
`next` pointing back to it. The sign-in or sign-up POST then does what the link asked, for the reader it has
just signed in, and sends them on to the article: a POST they made on purpose, CSRF-checked, so nothing else can
save for them. Opening the link while signed in changes nothing by itself: it offers a one-click form instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.reading import services
from newsstand.web import visibility

SAVE_LATER = "web:save-later"


def complete(request: HttpRequest, target: str) -> str:
    """Do what `target` (a `next` already checked to stay on this site) asked for, for the reader just signed in;
    where they go now: the article for a save link, `target` itself for any other address."""
    if not target:
        return target
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return target
    if match.view_name != SAVE_LATER:
        return target
    article = Article.objects.only("id", "private").filter(pk=match.kwargs["pk"]).first()
    if article is None or not visibility.may_see(request.user, article):
        return target  # gone since (or a private source's they do not subscribe to): its link answers "not found"
    services.save_article(request.user, article, now=clock.now())
    return reverse("web:article", kwargs={"pk": article.pk})
