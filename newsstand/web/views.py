"""Pages: thin views that read through the selectors and render; no query logic lives here."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher
from newsstand.web import _queries as selectors

PAGE_SIZE = 30


def latest(request: HttpRequest) -> HttpResponse:
    """The front page; `?section=` and `?publisher=` narrow it without leaving it."""
    section = request.GET.get("section", "").strip() or None
    publisher = _publisher_or_404(request.GET["publisher"]) if request.GET.get("publisher") else None
    page = _page(request, selectors.latest_articles(section=section, publisher=publisher))
    context = {"page": page, "section": section, "publisher": publisher, "heading": "Latest"}
    return render(request, "web/latest.html", context)


def section(request: HttpRequest, section: str) -> HttpResponse:
    page = _page(request, selectors.latest_articles(section=section))
    if not page.paginator.count:
        raise Http404("No articles in this section.")
    context = {"page": page, "section": section, "publisher": None, "heading": section}
    return render(request, "web/latest.html", context)


def article(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.article_detail(pk)
    except Article.DoesNotExist as exc:
        raise Http404("No such article.") from exc
    return render(request, "web/article.html", {"article": item, "section": item.section or None})


def publisher(request: HttpRequest, slug: str) -> HttpResponse:
    found = _publisher_or_404(slug)
    page = _page(request, selectors.latest_articles(publisher=found))
    context = {"publisher": found, "feeds": list(found.feeds.all()), "page": page, "section": None}
    return render(request, "web/publisher.html", context)


def _publisher_or_404(slug: str) -> Publisher:
    try:
        return selectors.publisher_by_slug(slug)
    except Publisher.DoesNotExist as exc:
        raise Http404("No such publisher.") from exc


def _page(request: HttpRequest, articles: QuerySet[Article]) -> Page:
    """A page of articles; a bad or too-large page number lands on the nearest real page instead of failing."""
    return Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
