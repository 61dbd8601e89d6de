"""Search: `GET /search/?q=…&publisher=…&section=…&from=YYYY-MM-DD&to=YYYY-MM-DD&page=N`.

A thin view: it reads the form, asks `search.selectors.search_articles` for one page and renders. Bad input is
never an error page: an unknown publisher or a malformed date is reported beside the form and left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsstand.articles import selectors as articles
from newsstand.core import clock
from newsstand.search import selectors
from newsstand.sources.models import Publisher
from newsstand.web.templatetags.navigation import SECTIONS_CACHE_KEY, SECTIONS_CACHE_SECONDS


@dataclass
class SearchForm:
    """The form's values as typed (to fill it again) and as understood (to search with)."""

    q: str = ""
    publisher: str = ""
    section: str = ""
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    since: datetime | None = None
    until: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return bool(self.publisher or self.section or self.since or self.until)


def read_form(params) -> SearchForm:
    """Parse the query string; never raises. `to` includes its whole day."""
    form = SearchForm(
        q=params.get("q", "").strip()[:500],
        publisher=params.get("publisher", "").strip()[:200],
        section=params.get("section", "").strip()[:100],
        date_from=params.get("from", "").strip()[:10],
        date_to=params.get("to", "").strip()[:10],
    )
    try:
        form.page = max(1, int(params.get("page", "1")))
    except ValueError:
        form.page = 1
    since, until = _day(form.date_from, form.errors, "From"), _day(form.date_to, form.errors, "To")
    form.since = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    form.until = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None
    return form


def _day(value: str, errors: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label} date “{value}” is not a date like 2024-05-31; it was left out.")
        return None


def search(request: HttpRequest) -> HttpResponse:
    form = read_form(request.GET)
    publishers = list(Publisher.objects.order_by("name").values_list("pk", "slug", "name"))
    publisher_id = None
    if form.publisher:
        publisher_id = next((pk for pk, slug, _ in publishers if slug == form.publisher), None)
        if publisher_id is None:
            form.errors.append("That publisher is not one we carry; all publishers were searched.")
            form.publisher = ""
    results = selectors.search_articles(
        q=form.q,
        now=clock.now(),
        publisher_id=publisher_id,
        section=form.section or None,
        since=form.since,
        until=form.until,
        page=form.page,
    )
    context = {
        "form": form,
        "results": results,
        "publishers": publishers,
        "sections": cache.get_or_set(SECTIONS_CACHE_KEY, articles.sections, SECTIONS_CACHE_SECONDS),
    }
    return render(request, "web/search.html", context)
