"""Editors' actions on the pages: put the article or the story in Our Picks, or take it off.

Thin: the permission (editorial.permissions, the admin's own) is checked here on every POST, whatever the page
showed: anyone else gets 403. The forms appear only on pages made for such staff (web.templatetags.editing),
which are signed-in pages and so never cached, and carry a CSRF token like every form here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial import permissions, services
from newsstand.stories.models import Story
from newsstand.web.templatetags.links import page_url


@require_POST
def pick_article(request: HttpRequest, pk: int) -> HttpResponse:
    # A private source's article is on no public page, Our Picks included, until staff promote its source.
    return _pick(request, article=get_object_or_404(Article.objects.only("id", "title"), pk=pk, private=False))


@require_POST
def pick_story(request: HttpRequest, pk: int) -> HttpResponse:
    return _pick(request, story=get_object_or_404(Story.objects.only("id", "headline"), pk=pk))


def _pick(request: HttpRequest, *, article: Article | None = None, story: Story | None = None) -> HttpResponse:
    """`action=add` or `action=remove`; back to the page it came from (303), with a line saying what was done."""
    action = request.POST.get("action", "")
    if action not in {"add", "remove"}:
        return HttpResponse("action must be add or remove", status=400, content_type="text/plain")
    allowed = permissions.may_add_pick if action == "add" else permissions.may_remove_pick
    if not allowed(request.user):
        raise PermissionDenied("Only editors change Our Picks.")
    target = article or story
    if action == "add":
        services.add_pick(article=article, story=story, by=request.user, now=clock.now())
        messages.success(request, "Added to Our Picks: it shows on the front page now.")
    else:
        services.remove_pick(article=article, story=story, now=clock.now())
        messages.success(request, "Taken off Our Picks.")
    return HttpResponseRedirect(page_url(target), status=303)
