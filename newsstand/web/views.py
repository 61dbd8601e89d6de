"""Pages: thin views that read through the selectors and render; no query logic lives here."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from newsstand.articles import selectors
from newsstand.articles.models import Article

PAGE_SIZE = 30


def latest(request: HttpRequest) -> HttpResponse:
    """The front page; `?section=` and `?publisher=` narrow it without leaving it (an unknown publisher is a 404)."""
    section = request.GET.get("section", "").strip() or None
    slug = request.GET.get("publisher", "").strip()
    publisher = selectors.publisher_by_slug(slug) if slug else None
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
    item = selectors.article_detail(pk)
    context = {"article": item, "sources": selectors.article_sources(item)}
    return render(request, "web/article.html", context)


def publisher(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.publisher_by_slug(slug)
    page = _page(request, selectors.latest_articles(publisher=found))
    context = {"publisher": found, "feeds": list(found.feeds.all()), "page": page}
    return render(request, "web/publisher.html", context)


def _page(request: HttpRequest, articles: QuerySet[Article]) -> Page:
    """A page of articles; a bad or too-large page number lands on the nearest real page instead of failing."""
    return Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
